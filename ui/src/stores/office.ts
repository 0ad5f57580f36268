import { defineStore } from 'pinia'
import { api } from '../api'

/** How often the office's date is asked again (the app may stay open past midnight). */
const REFRESH_MS = 5 * 60 * 1000

/**
 * The office's date and time zone, as Rust computes them (the office time zone setting decides
 * "today"; the UI never derives a date from its own clock).
 */
export const useOffice = defineStore('office', {
  state: () => ({ date: '', zone: '', timer: null as ReturnType<typeof setInterval> | null }),
  actions: {
    /** Ask Rust for today (after sign-in), and keep asking every few minutes. */
    async load() {
      const t = await api.officeToday()
      this.date = t.date
      this.zone = t.zone
      if (this.timer === null) this.timer = setInterval(() => { this.load().catch(() => {}) }, REFRESH_MS)
    },
    async setZone(timeZone: string) {
      const t = await api.setOfficeTimeZone(timeZone)
      this.date = t.date
      this.zone = t.zone
    },
    stop() {
      if (this.timer !== null) clearInterval(this.timer)
      this.timer = null
    },
  },
})

/** Today's date in the office (YYYY-MM-DD), as last reported by Rust. */
export function today(): string {
  return useOffice().date
}
