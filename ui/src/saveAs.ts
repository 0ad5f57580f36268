// "Save as": the system dialog, then a Rust command writes the file; the outcome as a message.
import { save } from '@tauri-apps/plugin-dialog'
import { ElMessage } from 'element-plus'
import type { AppError } from './bindings'

const FILTERS = { xlsx: { name: 'Excel', extensions: ['xlsx'] }, pdf: { name: 'PDF', extensions: ['pdf'] } }

/** Ask where to save `defaultName` (.xlsx or .pdf), then let `write(path)` write it there. */
export async function saveAs(defaultName: string, write: (path: string) => Promise<void>): Promise<void> {
  const kind = defaultName.endsWith('.pdf') ? 'pdf' : 'xlsx'
  const path = await save({ defaultPath: defaultName, filters: [FILTERS[kind]] })
  if (!path) return
  try {
    await write(path)
    ElMessage.success(`已保存到 ${path}`)
  } catch (e) {
    ElMessage.error((e as AppError).message)
  }
}
