import { defineConfig } from 'vite';

/**
 * Built with `vite build viewer` (npm run build:viewer): the root is this folder, the output `viewer/dist`, which
 * `server/` serves as static files. Cornerstone's decode worker is an ES module worker; its wasm codecs are emitted
 * as assets. Relative base, so the app also works behind a path prefix.
 */
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Cornerstone + vtk.js + codecs are large by nature; the split below keeps the app's own code separate, and
    // Cornerstone's compute worker (polySeg, loaded only by segmentation tools, never by this app) is ~3.5 MB alone.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      onwarn(warning, warn) {
        // The wasm codecs' Emscripten glue imports fs/path for Node; the browser build never takes that path.
        if (/has been externalized for browser compatibility/.test(warning.message)) return;
        warn(warning);
      },
      output: {
        manualChunks: (id) => {
          if (!id.includes('node_modules')) return undefined;
          if (id.includes('@kitware/vtk.js')) return 'vtk';
          if (id.includes('@cornerstonejs/tools')) return 'cornerstone-tools';
          if (id.includes('@cornerstonejs/')) return 'cornerstone';
          return 'vendor';
        },
      },
    },
  },
  worker: { format: 'es' },
});
