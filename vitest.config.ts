import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'processor/**/*.test.ts',
      'detections/**/*.test.ts',
      'schemas/**/*.test.ts',
      'bench/**/*.test.ts',
      'test/**/*.test.ts',
      'infra/test/**/*.test.ts',
    ],
    // The container image test builds and starts an image: `npm run test:image`.
    exclude: ['test/image/**', '**/node_modules/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 60_000,
  },
});
