// Small helpers shared by the move-in screens.
import { ElMessage } from 'element-plus'
import type { AppError, MoveInStatus } from './bindings'

/** Today's date (local) as YYYY-MM-DD. */
export function today(): string {
  const d = new Date()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** A field error goes next to its field; any other error is shown as a message. */
export function fieldErrors(e: AppError): Record<string, string> {
  if (e.field) return { [e.field]: e.message }
  ElMessage.error(e.message)
  return {}
}

export function statusType(s: MoveInStatus): 'info' | 'warning' | 'success' | 'danger' {
  return ({ not_started: 'info', in_progress: 'warning', delivered: 'success', deferred: 'danger' } as const)[s]
}
