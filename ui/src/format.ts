// Display helpers. Amounts and areas are decimal strings from Rust; they are shown as sent,
// never parsed into floating point.
import type { AuditEntry } from './bindings'
import { AuditActionLabels, AuditEntityLabels } from './bindings'

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

/** "合同 #12 修改": the entity and action labels come from Rust (domain::audit, via bindings.ts). */
export function auditTitle(a: AuditEntry): string {
  return `${AuditEntityLabels[a.entity] ?? a.entity} #${a.entity_id} ${AuditActionLabels[a.action] ?? a.action}`
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
