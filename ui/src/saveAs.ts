// "Save as": the command shows the system dialog from Rust and writes the file there (the page
// never names a path); the outcome as a message. A cancelled dialog says nothing.
import { ElMessage } from 'element-plus'
import type { AppError } from './bindings'

/** Run a save command; it answers the path written, or null when the user cancelled. */
export async function saveAs(save: () => Promise<string | null>): Promise<void> {
  try {
    const path = await save()
    if (path) ElMessage.success(`已保存到 ${path}`)
  } catch (e) {
    ElMessage.error((e as AppError).message)
  }
}
