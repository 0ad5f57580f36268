import { afterEach, describe, expect, it, vi } from 'vitest'
import { idleExpired, watchIdle } from './idle'

describe('idle lock', () => {
  afterEach(() => vi.useRealTimers())

  it('expires only after the minutes have fully passed', () => {
    expect(idleExpired(0, 15 * 60_000, 15)).toBe(false)
    expect(idleExpired(0, 15 * 60_000 + 1, 15)).toBe(true)
  })

  it('locks once after the idle minutes, and activity restarts the count', () => {
    vi.useFakeTimers({ now: new Date('2026-12-08T09:00:00+08:00') })
    const target = new EventTarget()
    const lock = vi.fn()
    const stop = watchIdle(target, () => 15, lock, 1000)
    vi.advanceTimersByTime(14 * 60_000)
    target.dispatchEvent(new Event('keydown'))
    vi.advanceTimersByTime(14 * 60_000)
    expect(lock).not.toHaveBeenCalled()
    vi.advanceTimersByTime(2 * 60_000)
    expect(lock).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(60 * 60_000)
    expect(lock).toHaveBeenCalledTimes(1)
    stop()
  })
})
