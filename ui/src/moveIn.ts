// Small helpers shared by the move-in screens.
import { ElMessage } from 'element-plus'
import { api } from './api'
import type { AppError, MoveInStatus } from './bindings'

/** A field error goes next to its field; any other error is shown as a message. */
export function fieldErrors(e: AppError): Record<string, string> {
  if (e.field) return { [e.field]: e.message }
  ElMessage.error(e.message)
  return {}
}

export function statusType(s: MoveInStatus): 'info' | 'warning' | 'success' | 'danger' {
  return ({ not_started: 'info', in_progress: 'warning', delivered: 'success', deferred: 'danger' } as const)[s]
}

/** The one unit of a project with exactly this 房号 (found by Rust), or the reason it was not. */
export async function unitByNumber(projectId: number, number: string): Promise<{ id: number } | { error: string }> {
  try {
    return { id: (await api.unitByNumber(projectId, number)).id }
  } catch (e) {
    return { error: (e as AppError).message }
  }
}
