import { describe, expect, it } from 'vitest'
import { auditChanges, auditTitle } from './format'
import { toAppError } from './api'

describe('format', () => {
  it('lists only the fields an audit line changed', () => {
    const changes = auditChanges({
      id: 1, at: '2026-11-23T10:00:00+08:00', username: 'wy', entity: 'contract', entity_id: 3, action: 'update',
      before: JSON.stringify({ total_price: '1790000.00', number: 'HT-1' }),
      after: JSON.stringify({ total_price: '1780000.00', number: 'HT-1' }),
    })
    expect(changes).toEqual([{ key: 'total_price', before: '1790000.00', after: '1780000.00' }])
  })

  it('keeps typed errors and wraps anything else', () => {
    expect(toAppError({ code: 'forbidden', message: '当前角色无权执行此操作' }).code).toBe('forbidden')
    expect(toAppError('boom')).toEqual({ code: 'internal', message: 'boom' })
    // Tauri's own refusal of a plain argument loses its prefix and names the field.
    expect(toAppError('invalid args `unit_id` for command `keys`: invalid type: string "x", expected i64')).toEqual({
      code: 'invalid', field: 'unit_id', message: '「unit_id」的值无效：invalid type: string "x", expected i64',
    })
  })

  it('names move-in and inspection audit lines in Chinese', () => {
    const line = (entity: string, action: string) => ({ id: 1, at: '', username: '', entity, entity_id: 7, action, before: null, after: null })
    expect(auditTitle(line('unit', 'move_in_step'))).toBe('房屋 #7 办理步骤')
    expect(auditTitle(line('defect', 'mark_fixed'))).toBe('整改单 #7 整改完成')
    expect(auditTitle(line('key', 'checked_out'))).toBe('钥匙 #7 借出')
    expect(auditTitle(line('unit', 'something_new'))).toBe('房屋 #7 something_new')
    // Labels generated from Rust include the fee records the hand-kept table lacked.
    expect(auditTitle(line('fee_quote', 'create'))).toBe('税费测算 #7 新建')
    expect(auditTitle(line('fee_rules', 'update'))).toBe('收费规则 #7 修改')
  })
})
