import { defineConfig } from 'vitest/config';

/** `npm run test:image`: builds infra/Dockerfile with buildah and starts the image (see image.test.ts). */
export default defineConfig({
  test: {
    include: ['test/image/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
