import { describe, expect, it } from 'vitest'
import { auditChanges, money } from './format'
import { toAppError } from './api'

describe('format', () => {
  it('groups money by thousands without touching the decimal string', () => {
    expect(money('1500000.00')).toBe('1,500,000.00')
    expect(money('-140000.00')).toBe('-140,000.00')
    expect(money('999.99')).toBe('999.99')
    expect(money(null)).toBe('—')
  })

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
  })
})
