import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

const officeToday = vi.fn()
const setOfficeTimeZone = vi.fn()
vi.mock('../api', () => ({ api: { officeToday: () => officeToday(), setOfficeTimeZone: (z: string) => setOfficeTimeZone(z) } }))

import { today, useOffice } from './office'

describe('office date', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    officeToday.mockReset()
    setOfficeTimeZone.mockReset()
  })

  it('takes today from Rust, not from the browser clock', async () => {
    // 23:30 UTC on 1 December is already 2 December in Shanghai: the UI shows what Rust says.
    vi.useFakeTimers({ now: new Date('2026-12-01T23:30:00Z') })
    officeToday.mockResolvedValue({ date: '2026-12-02', zone: 'Asia/Shanghai', now: '2026-12-02T07:30:00+08:00' })
    const office = useOffice()
    expect(today()).toBe('')
    await office.load()
    expect(today()).toBe('2026-12-02')
    expect(office.zone).toBe('Asia/Shanghai')
    office.stop()
    vi.useRealTimers()
  })

  it('keeps the zone Rust accepted and passes a refusal on', async () => {
    setOfficeTimeZone.mockResolvedValueOnce({ date: '2026-12-01', zone: 'America/New_York', now: '' })
    const office = useOffice()
    await office.setZone('America/New_York')
    expect([office.zone, today()]).toEqual(['America/New_York', '2026-12-01'])
    const refusal = { code: 'invalid', field: 'time_zone', message: '「Asia/Beijing」不是可识别的时区' }
    setOfficeTimeZone.mockRejectedValueOnce(refusal)
    await expect(office.setZone('Asia/Beijing')).rejects.toEqual(refusal)
    expect(office.zone).toBe('America/New_York')
  })
})
