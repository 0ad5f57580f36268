// Display helpers. Amounts and areas are decimal strings from Rust; they are shown as sent,
// never parsed into floating point.
import type { AuditEntry } from './bindings'

export function area(v: string | null | undefined): string {
  return v ? `${v} ㎡` : '—'
}

/** Group a decimal string's integer part by thousands: "1500000.00" → "1,500,000.00". */
export function money(v: string | null | undefined): string {
  if (!v) return '—'
  const [int, frac] = v.split('.')
  const neg = int.startsWith('-')
  const digits = neg ? int.slice(1) : int
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? '.' + frac : ''}`
}

const ACTIONS: Record<string, string> = {
  create: '新建', update: '修改', update_with_password: '修改（含密码）', cancel: '解除',
  import: '导入', undo_import: '撤销导入',
  // Move-in
  book: '预约', rebook: '改约', cancelled: '取消预约', no_show: '记为未到场', arrive: '到场签到',
  notice_delivered: '入伙通知书送达', move_in_step: '办理步骤', move_in_step_undone: '撤销办理步骤',
  move_in_hold: '暂缓交付', move_in_resume: '恢复办理', move_in_config: '修改入伙办理设置', set: '修改设置',
  registered: '登记入库', handed: '交付业主', checked_out: '借出', returned: '归还', lost: '报失',
  // Inspection
  inspection_started: '开始验房', signed: '业主签名', completed: '完成验房',
  assign: '派单', mark_fixed: '整改完成', close: '复验通过并关闭', reject: '复验不通过（退回）',
  dispute: '业主提出争议', uphold: '裁定：继续整改', dismiss: '裁定：不予整改并关闭', void: '作废',
}
const ENTITIES: Record<string, string> = {
  unit: '房屋', contract: '合同', buyer: '买受人', user: '用户', import: '导入批次', project: '项目', batch: '入伙批次',
  key: '钥匙', setting: '设置', inspection: '验房', inspection_template: '检查表', defect: '整改单',
}

export function auditTitle(a: AuditEntry): string {
  return `${ENTITIES[a.entity] ?? a.entity} #${a.entity_id} ${ACTIONS[a.action] ?? a.action}`
}

/** The fields that differ between the before and after JSON of an audit line. */
export function auditChanges(a: AuditEntry): { key: string; before: string; after: string }[] {
  const parse = (s: string | null) => (s ? (JSON.parse(s) as Record<string, unknown>) : {})
  const b = parse(a.before)
  const f = parse(a.after)
  const keys = Array.from(new Set([...Object.keys(b), ...Object.keys(f)]))
  const show = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v))
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(f[k]))
    .map((k) => ({ key: k, before: show(b[k]), after: show(f[k]) }))
}

export function instant(rfc3339: string): string {
  return rfc3339.replace('T', ' ').slice(0, 19)
}

/** Sum decimal strings exactly (as integer fen, no floating point); null when one is not an amount. */
export function sumMoney(values: string[]): string | null {
  let fen = 0n
  for (const v of values) {
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(v.trim())
    if (!m) return null
    const n = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'))
    fen += m[1] ? -n : n
  }
  const neg = fen < 0n
  const abs = neg ? -fen : fen
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`
}
