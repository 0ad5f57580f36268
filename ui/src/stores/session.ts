import { defineStore } from 'pinia'
import { api } from '../api'
import type { Permission, SignedIn } from '../bindings'

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
    },
    async restore() {
      this.current = await api.currentSession()
    },
    setSignedIn(s: SignedIn) {
      this.current = s
    },
    async signOut() {
      await api.signOut()
      this.current = null
    },
  },
})
