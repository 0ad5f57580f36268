import { defineStore } from 'pinia'
import { api } from '../api'
import { useOffice } from './office'
import type { Permission, SignedIn } from '../bindings'

/** Today's date comes from Rust after sign-in; should that fail, date fields start empty (Rust names them when saved). */
async function loadOffice() {
  await useOffice().load().catch(() => {})
}

export const useSession = defineStore('session', {
  state: () => ({ current: null as SignedIn | null }),
  getters: {
    signedIn: (s) => s.current !== null,
    displayName: (s) => s.current?.session.display_name ?? '',
  },
  actions: {
    /** What the role may do, as Rust reported it at sign-in (Rust checks again on every call). */
    can(p: Permission): boolean {
      return this.current?.permissions.includes(p) ?? false
    },
    async signIn(username: string, password: string) {
      this.current = await api.signIn(username, password)
      await loadOffice()
    },
    async restore() {
      this.current = await api.currentSession()
      if (this.current) await loadOffice()
    },
    async setSignedIn(s: SignedIn) {
      this.current = s
      await loadOffice()
    },
    async signOut() {
      await api.signOut()
      useOffice().stop()
      this.current = null
    },
    /** The session ended on the Rust side (idle lock, disabled, role changed): forget it here. */
    ended() {
      useOffice().stop()
      this.current = null
    },
  },
})
