// The idle lock on the page: after `minutes` without a key, click, touch or wheel, `lock()` is
// called once (the services end the session at that point too; this only makes the window
// lock itself without waiting for the next call).

const EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const

/** Whether `minutes` have passed since `lastActivity` at `now` (both in milliseconds). */
export function idleExpired(lastActivity: number, now: number, minutes: number): boolean {
  return now - lastActivity > minutes * 60_000
}

/** Watch for activity on `target`; returns a function that stops watching. */
export function watchIdle(target: EventTarget, minutes: () => number, lock: () => void, checkEveryMs = 15_000): () => void {
  let last = Date.now()
  let locked = false
  const touch = () => {
    last = Date.now()
  }
  for (const e of EVENTS) target.addEventListener(e, touch, { passive: true })
  const timer = setInterval(() => {
    if (!locked && idleExpired(last, Date.now(), minutes())) {
      locked = true
      lock()
    }
  }, checkEveryMs)
  return () => {
    clearInterval(timer)
    for (const e of EVENTS) target.removeEventListener(e, touch)
  }
}
