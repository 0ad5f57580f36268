import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router'
import { api, onSessionEnded } from './api'
import { useSession } from './stores/session'
import './style.css'

const pinia = createPinia()
createApp(App).use(pinia).use(router).use(ElementPlus, { locale: zhCn }).mount('#app')
// A call answered "the session has ended" (idle lock, account disabled, role changed): back to
// the sign-in screen, saying why, and on to the same page after signing in again.
onSessionEnded((e) => {
  useSession(pinia).ended()
  const here = router.currentRoute.value
  if (!here.meta.public) router.replace({ name: 'login', query: { next: here.fullPath, reason: e.message } })
})
// Tell the shell the first frame is on screen (used by the cold-start benchmark).
requestAnimationFrame(() => api.firstPaint().catch(() => {}))
