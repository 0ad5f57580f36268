import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Tauri serves ui/dist from inside the binary; the dev server is only for `tauri dev`.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'safari15',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // Mounting Element Plus forms in jsdom takes seconds on a loaded 2-core machine; the default
    // 5 s per test made them fail for load, not behaviour. Tests stay behavioural, never timed.
    testTimeout: 30000,
  },
})
