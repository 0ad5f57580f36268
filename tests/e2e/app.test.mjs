// End to end: the real app under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver).
// A new user on a fresh database: creates the admin, signs out and in, imports the sample
// 房源表, finds a unit by buyer name, opens it, edits the contract, and sees the edit in the
// unit's audit log; quotes and saves the purchase fees; adds a region's rules; plans a move-in
// batch, books an owner, runs the whole procedure at the desk to 已交付 and sees the board;
// inspects another unit, raises two defects, routes one to closed under the four-eyes rule with a
// second user, and prints the 交房验收单. Run by tests/e2e/run.sh (Xvfb + tauri-driver).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Session, ENTER } from './webdriver.mjs'

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const APP = process.env.APP
const SAMPLE = process.env.SAMPLE
let s

before(async () => {
  assert.ok(APP && SAMPLE, 'APP and SAMPLE must be set (tests/e2e/run.sh sets them)')
  s = await Session.start(DRIVER, APP)
})

after(async () => {
  if (s) {
    await s.screenshot('last')
    await s.quit().catch(() => {})
  }
})

test('records, fees, move-in and inspection: the day of a sales office, end to end', async () => {
  // First start: no user exists, the app asks for the administrator's password.
  // The first start of WebKit on a fresh machine can be slow: allow a minute for the first screen.
  await s.type(await s.waitFor('input[data-test="setup-username"]', () => true, 60000), 'admin')
  await s.type(await s.find('input[data-test="setup-name"]'), '管理员')
  await s.type(await s.find('input[data-test="setup-password"]'), 'e2e-password-1')
  await s.type(await s.find('input[data-test="setup-confirm"]'), 'e2e-password-1')
  await s.click(await s.find('button[data-test="setup-submit"]'))
  await s.waitFor('[data-test="current-user"]', (t) => t.includes('管理员'))

  // Sign out and back in.
  await s.click(await s.find('[data-test="sign-out"]'))
  await s.type(await s.waitFor('input[data-test="login-username"]'), 'admin')
  await s.type(await s.find('input[data-test="login-password"]'), 'wrong-password')
  await s.click(await s.find('button[data-test="login-submit"]'))
  await s.waitFor('[data-test="login-error"]', (t) => t.includes('用户名或密码错误'))
  await s.type(await s.find('input[data-test="login-password"]'), 'e2e-password-1')
  await s.click(await s.find('button[data-test="login-submit"]'))
  await s.waitFor('[data-test="current-user"]', (t) => t.includes('系统管理员'))
  await s.screenshot('units-empty')

  // Import the sample 房源表 through the file input.
  await s.click(await s.find('[data-test="nav-import"]'))
  const input = await s.waitFor('input[data-test="import-file"]')
  await s.type(input, SAMPLE, { clear: false })
  await s.click(await s.find('button[data-test="import-go"]'))
  const done = await s.waitFor('[data-test="import-done"]', (t) => t.includes('导入成功'), 30000)
  assert.match(await s.text(done), /房屋 24 套，合同 18 份/)
  await s.screenshot('import-done')

  // Find a unit by its buyer's name.
  await s.click(await s.find('[data-test="nav-units"]'))
  await s.waitFor('[data-test="unit-total"]', (t) => t.includes('共 24 套'))
  await s.screenshot('units')
  const search = await s.find('input[data-test="unit-search"]')
  await s.type(search, '王伟')
  await s.type(search, ENTER, { clear: false })
  await s.waitFor('[data-test="unit-total"]', (t) => t.includes('共 1 套'))
  await s.click(await s.waitFor('[data-test="open-unit-1-101"]'))

  // The unit, its contract and both parties.
  await s.waitFor('[data-test="unit-heading"]', (t) => t.includes('1-101'))
  const parties = await s.waitFor('[data-test="contract-parties"]', (t) => t.includes('王伟'))
  assert.match(await s.text(parties), /王艳/)
  assert.match(await s.text(await s.find('[data-test="contract-price"]')), /1,500,000\.00/)

  // Edit the contract price; the new price shows and the audit log records before → after.
  await s.click(await s.find('button[data-test="edit-contract"]'))
  await s.type(await s.waitFor('input[data-test="contract-total-price"]'), '1490000.00')
  await s.click(await s.find('button[data-test="contract-save"]'))
  await s.waitFor('[data-test="contract-price"]', (t) => t.includes('1,490,000.00'))
  const audit = await s.waitFor('[data-test="unit-audit"]', (t) => t.includes('1490000.00'))
  const text = await s.text(audit)
  assert.match(text, /合同 #\d+ 修改/)
  assert.match(text, /1500000\.00/)
  await s.screenshot('unit-detail')

  // Quote the purchase fees for this contract: the national rules publish no maintenance-fund
  // table, so the app asks for the local standard; then save the quote and see it listed.
  await s.click(await s.find('button[data-test="contract-fees"]'))
  await s.click(await s.waitFor('button[data-test="fee-calc"]'))
  await s.waitFor('.el-alert', (t) => t.includes('没有公布维修资金标准'))
  await s.click(await s.find('label.el-radio:has(input[value="per_m2"])'))
  await s.type(await s.waitFor('input[data-test="fee-fund"]'), '65.00')
  await s.click(await s.find('button[data-test="fee-calc"]'))
  // 1,490,000 ÷ 1.09 = 1,366,972.48 × 1% = 13,669.72; + 80 + 10 (second certificate) + 89.50 × 65 = 5,817.50
  await s.waitFor('[data-test="quote-total"]', (t) => t.includes('19,577.22'))
  assert.equal(await s.text(await s.find('[data-test="quote-capitals"]')), '壹万玖仟伍佰柒拾柒元贰角贰分')
  assert.match(await s.text(await s.find('[data-test="quote-line-deed_tax"]')), /家庭首套，建筑面积 89\.50㎡ ≤ 140㎡，税率 1%/)
  await s.click(await s.find('button[data-test="fee-save"]'))
  await s.waitFor('.el-collapse-item', (t) => t.includes('合计 19,577.22 元'))
  await s.screenshot('fees')

  // Finance work: add a region with its maintenance-fund standard on the rule form.
  await s.click(await s.find('[data-test="nav-rules"]'))
  await s.click(await s.waitFor('button[data-test="rules-add-version"]'))
  const dialog = '.el-dialog'
  await s.waitFor(dialog, (t) => t.includes('新增规则版本'))
  const inputs = async () => s.findAll(`${dialog} input.el-input__inner`)
  let fields = await inputs()
  await s.type(fields[0], 'hangzhou') // 地区代码
  await s.waitFor(dialog, (t) => t.includes('地区名称'))
  fields = await inputs()
  await s.type(fields[1], '杭州市')
  const byPlaceholder = async (text) => {
    for (const id of await inputs()) {
      const ph = await s.cmd('GET', `/element/${id}/attribute/placeholder`)
      if (ph && ph.includes(text)) return id
    }
    throw new Error(`no input with placeholder ${text}`)
  }
  const labelled = async (label) => {
    const items = await s.findAll(`${dialog} .el-form-item`)
    for (const item of items) {
      if ((await s.text(item)).startsWith(label)) {
        const r = await s.cmd('POST', `/element/${item}/element`, { using: 'css selector', value: 'input.el-input__inner' })
        return Object.values(r)[0]
      }
    }
    throw new Error(`no field ${label}`)
  }
  await s.type(await labelled('有电梯 元/㎡'), '90.00')
  await s.type(await labelled('无电梯 元/㎡'), '60.00')
  await s.type(await byPlaceholder('文件名与文号'), '杭州市住房保障和房产管理局 维修资金交存标准')
  await s.click(await s.find('button[data-test="rules-version-save"]'))
  await s.waitFor('.el-menu-item', (t) => t.includes('杭州市'))
  await s.waitFor('textarea[data-test="rules-text"]')
  const rules = await s.exec('return document.querySelector(\'textarea[data-test="rules-text"]\').value')
  assert.match(rules, /per_m2_with_lift = "90.00"/)
  assert.match(rules, /based_on = "national"/)
  await s.screenshot('rules')

  // Move-in: plan a batch of 1栋, book 王伟's unit, run the whole procedure at the desk, see the board.
  // (the rule dialog's overlay may still be fading out: click the menu item from the page)
  await s.exec(`document.querySelector('[data-test="nav-move-in"]').click()`)
  await s.click(await s.waitFor('button[data-test="new-batch"]'))
  await s.type(await s.waitFor('input[data-test="plan-name"]'), '第一批')
  await s.click(await s.find('[data-test="plan-buildings"]'))
  await s.waitFor('.el-select-dropdown__item', (t) => t.includes('1栋'))
  await s.exec(`[...document.querySelectorAll('.el-select-dropdown__item')].find((e) => e.textContent.trim() === '1栋').click()`)
  await s.click(await s.find('button[data-test="plan-save"]'))
  await s.click(await s.waitFor('button[data-test="book-1-101"]'))
  await s.waitFor('[data-test="book-slots"]', (t) => t.includes('上午'))
  await s.exec(`document.querySelector('[data-test="book-slots"] label.el-radio').click()`)
  await s.click(await s.find('button[data-test="book-save"]'))
  await s.waitFor('[data-test="batch-units"]', (t) => t.includes('上午'))
  await s.waitFor('[data-test="slot-board"]', (t) => t.includes('1/20'))
  await s.screenshot('move-in-batch')

  await s.click(await s.find('button[data-test="reception-1-101"]'))
  await s.waitFor('[data-test="reception-unit"]', (t) => t.includes('王伟') && t.includes('5,817.50'))
  await s.click(await s.find('button[data-test="check-in"]'))
  await s.waitFor('[data-test="reception-unit"]', (t) => t.includes('已到场'))
  // Tick an Element Plus checkbox through its input, and wait until Vue shows it ticked.
  const check = async (name) => {
    await s.exec(`document.querySelector('[data-test="${name}"] input').click()`)
    await s.waitFor(`[data-test="${name}"].is-checked`)
  }
  const stepDone = (kind) => s.waitFor(`[data-test="step-${kind}"]`, (t) => t.includes('已办'))
  await s.click(await s.find('button[data-test="do-identity"]'))
  await stepDone('identity')
  await check('settlement-cleared')
  await s.click(await s.find('button[data-test="do-settlement"]'))
  await stepDone('settlement')
  await s.click(await s.find('button[data-test="do-fees"]'))
  await stepDone('fees')
  await check('confirmation-signed')
  await s.click(await s.find('button[data-test="do-confirmation"]'))
  await stepDone('confirmation')
  await check('doc-quality')
  await check('doc-manual')
  await s.click(await s.find('button[data-test="do-documents"]'))
  await stepDone('documents')
  await s.type(await s.find('input[data-test="meter-water-number"]'), 'SB-1101')
  await s.type(await s.find('input[data-test="meter-water-reading"]'), '12.5')
  await s.click(await s.find('button[data-test="do-meters"]'))
  await stepDone('meters')
  await s.type(await s.find('input[data-test="key-numbers-0"]'), 'A-1101-1, A-1101-2, A-1101-3')
  await s.click(await s.find('button[data-test="do-keys"]'))
  await stepDone('keys')
  await s.type(await s.find('textarea[data-test="inspection-note"]'), '业主验房无异议')
  await s.click(await s.find('button[data-test="do-inspection"]'))
  await s.waitFor('[data-test="reception-status"]', (t) => t.includes('已交付'))
  await s.screenshot('move-in-desk')

  await s.click(await s.find('[data-test="nav-board"]'))
  await s.waitFor('[data-test="board-delivered"]', (t) => t.includes('1'))
  const stats = await s.text(await s.find('[data-test="board-stats"]'))
  assert.match(stats, /今日到场\s*1/)
  await s.screenshot('move-in-board')

  // Inspection: a second user (the engineer who re-inspects), then inspect 1-102 with its owner,
  // raise two defects, fix one, have the other person close it, and print the 交房验收单.
  await s.exec(`document.querySelector('[data-test="nav-users"]').click()`)
  await s.click(await s.waitFor('button[data-test="user-new"]'))
  await s.type(await s.waitFor('input[data-test="user-username"]'), 'gongcheng')
  await s.type(await s.find('input[data-test="user-display"]'), '工程部张工')
  await s.type(await s.find('input[data-test="user-password"]'), 'e2e-password-2')
  await s.click(await s.find('button[data-test="user-save"]'))
  // WebKit's element text leaves out some table cells; tables are read from the DOM instead.
  const waitText = async (selector, predicate, timeout = 15000) => {
    const end = Date.now() + timeout
    let last = ''
    while (Date.now() < end) {
      last = await s.exec(`return document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`)
      if (predicate(last)) return last
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`timed out waiting for ${selector} (last text: ${last.slice(0, 300)})`)
  }
  await waitText('.el-table', (t) => t.includes('gongcheng'))

  await s.exec(`document.querySelector('[data-test="nav-inspection"]').click()`)
  const insp = await s.waitFor('input[data-test="insp-search"]')
  await s.type(insp, '1-102')
  await s.type(insp, ENTER, { clear: false })
  await s.click(await s.waitFor('button[data-test="insp-start"]'))
  await s.waitFor('[data-test="insp-head"]', (t) => t.includes('业主验房'))
  const fail = async (room, item, problem) => {
    await s.exec(`document.querySelector('[data-test="fail-${room}-${item}"] input').click()`)
    await s.click(await s.waitFor(`button[data-test="raise-${room}-${item}"]`))
    await s.type(await s.waitFor('input[data-test="defect-cat3"]'), problem)
    await s.type(await s.find('textarea[data-test="defect-description"]'), `${room}${item}${problem}`)
    await s.click(await s.find('button[data-test="defect-save"]'))
    await waitText('[data-test="insp-items"]', (t) => t.includes('待派单') && t.includes(problem) === false)
  }
  await fail('客厅', '门窗', '划痕')
  await fail('卧室', '门窗', '合页松动')
  await s.waitFor('[data-test="insp-head"]', (t) => t.includes('不合格 2'))
  await s.screenshot('inspection')

  const ids = async () => (await s.exec(`return [...document.querySelectorAll('[data-test^="defect-actions-"]')].map((e) => Number(e.dataset.test.split('-').pop())).sort((a, b) => a - b)`))
  const act = async (id, action) => {
    await s.click(await s.waitFor(`button[data-test="defect-actions-${id}"]`))
    await s.exec(`document.querySelector('[data-test="defect-${action}-${id}"]').click()`)
  }
  await s.exec(`document.querySelector('[data-test="nav-defects"]').click()`)
  await waitText('[data-test="defects-table"]', (t) => t.includes('划痕') && t.includes('合页松动'))
  const [first] = await ids()
  await act(first, 'assign')
  await waitText('[data-test="defects-table"]', (t) => t.includes('整改中'))
  await act(first, 'mark_fixed')
  await waitText('[data-test="defects-table"]', (t) => t.includes('待复验'))
  await act(first, 'close')
  await s.waitFor('.el-message', (t) => t.includes('不能自己复验关闭'))

  await s.click(await s.find('[data-test="sign-out"]'))
  await s.type(await s.waitFor('input[data-test="login-username"]'), 'gongcheng')
  await s.type(await s.find('input[data-test="login-password"]'), 'e2e-password-2')
  await s.click(await s.find('button[data-test="login-submit"]'))
  await s.waitFor('[data-test="current-user"]', (t) => t.includes('工程部张工'))
  await s.exec(`document.querySelector('[data-test="nav-defects"]').click()`)
  await waitText('[data-test="defects-table"]', (t) => t.includes('待复验'))
  await act(first, 'close')
  await s.waitFor('.el-message', (t) => t.includes('复验通过并关闭'))
  await waitText('[data-test="defects-table"]', (t) => !t.includes('划痕') && t.includes('合页松动'))
  await s.screenshot('defects')

  await s.exec(`document.querySelector('[data-test="nav-inspection"]').click()`)
  const again = await s.waitFor('input[data-test="insp-search"]')
  await s.type(again, '1-102')
  await s.type(again, ENTER, { clear: false })
  await waitText('[data-test="insp-items"]', (t) => t.includes('已关闭') && t.includes('待派单'))
  await s.click(await s.find('button[data-test="insp-print"]'))
  const msg = await s.text(await s.waitFor('.el-message', (t) => t.includes('交房验收单-')))
  // Printed into this run's private folder (<temp>/handoverdesk-print-…/), a fresh name per print.
  const pdfPath = /(\/[^（）]*交房验收单-[\d-]+\.pdf)/.exec(msg)?.[1]
  assert.ok(pdfPath, msg)
  const { execFileSync } = await import('node:child_process')
  const formText = execFileSync('pdftotext', [pdfPath, '-']).toString().replace(/\s/g, '')
  assert.match(formText, /交房验收单/)
  assert.match(formText, /划痕/)
  assert.match(formText, /合页松动/)
})
