// Display helpers. Amounts and areas are decimal strings from Rust; they are shown as sent,
// never parsed into floating point.
import type { AuditEntry } from './bindings'
import { AuditActionLabels, AuditEntityLabels } from './bindings'

export function area(v: string | null | undefined): string {
  return v ? `${v} ㎡` : '—'
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
