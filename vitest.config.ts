import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'processor/**/*.test.ts',
      'detections/**/*.test.ts',
      'schemas/**/*.test.ts',
      'bench/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 60_000,
  },
});
