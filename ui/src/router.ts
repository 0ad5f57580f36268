import { createRouter, createWebHashHistory } from 'vue-router'
import { useSession } from './stores/session'
import { api } from './api'
import type { AppError } from './bindings'

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/unavailable', name: 'unavailable', component: () => import('./views/UnavailableView.vue'), meta: { public: true } },
    { path: '/setup', name: 'setup', component: () => import('./views/SetupView.vue'), meta: { public: true } },
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./views/MainLayout.vue'),
      children: [
        { path: '', redirect: '/units' },
        { path: 'units', name: 'units', component: () => import('./views/UnitsView.vue'), meta: { title: '房源' } },
        { path: 'units/:id', name: 'unit', component: () => import('./views/UnitDetailView.vue'), meta: { title: '房屋详情' } },
        { path: 'fees', name: 'fees', component: () => import('./views/FeesView.vue'), meta: { title: '税费测算' } },
        { path: 'area', name: 'area', component: () => import('./views/AreaView.vue'), meta: { title: '面积差价' } },
        { path: 'mortgage', name: 'mortgage', component: () => import('./views/MortgageView.vue'), meta: { title: '按揭月供' } },
        { path: 'rules', name: 'rules', component: () => import('./views/RulesView.vue'), meta: { title: '收费规则' } },
        { path: 'move-in', name: 'move-in', component: () => import('./views/MoveInView.vue'), meta: { title: '入伙批次与预约' } },
        { path: 'reception/:unitId?', name: 'reception', component: () => import('./views/ReceptionView.vue'), meta: { title: '入伙办理' } },
        { path: 'inspection/:unitId?', name: 'inspection', component: () => import('./views/InspectionView.vue'), meta: { title: '交房验收' } },
        { path: 'defects', name: 'defects', component: () => import('./views/DefectsView.vue'), meta: { title: '整改单' } },
        { path: 'keys', name: 'keys', component: () => import('./views/KeysView.vue'), meta: { title: '钥匙管理' } },
        { path: 'board', name: 'board', component: () => import('./views/BoardView.vue'), meta: { title: '交付进度' } },
        { path: 'settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { title: '打印与办理设置' } },
        { path: 'import', name: 'import', component: () => import('./views/ImportView.vue'), meta: { title: 'Excel 导入' } },
        { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志' } },
        { path: 'backup', name: 'backup', component: () => import('./views/BackupView.vue'), meta: { title: '备份与恢复' } },
        { path: 'users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { title: '用户与角色' } },
      ],
    },
  ],
})

/** Asked once: whether the records opened when the app started. */
let startup: Promise<AppError | null> | null = null

router.beforeEach(async (to) => {
  const session = useSession()
  startup ??= api.startupError().catch(() => null)
  const failed = await startup
  if (failed) return to.name === 'unavailable' ? true : { name: 'unavailable' }
  if (to.meta.public) return true
  if (session.signedIn) return true
  const setup = await api.setupStatus()
  if (setup.needs_admin) return { name: 'setup' }
  await session.restore()
  return session.signedIn ? true : { name: 'login', query: { next: to.fullPath } }
})
