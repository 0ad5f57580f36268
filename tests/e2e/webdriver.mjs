// A minimal W3C WebDriver client over fetch (Node 20), enough to drive the real app through
// tauri-driver → WebKitWebDriver. No browser download, no npm dependency.
import { writeFileSync } from 'node:fs'

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'

export class Session {
  constructor(base, id) {
    this.base = base
    this.id = id
  }

  static async start(base, application) {
    const r = await raw(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application } } },
    })
    return new Session(base, r.sessionId)
  }

  cmd(method, path, body) {
    return raw(this.base, method, `/session/${this.id}${path}`, body)
  }

  async find(css) {
    const r = await this.cmd('POST', '/element', { using: 'css selector', value: css })
    return r[ELEMENT]
  }

  async findAll(css) {
    const r = await this.cmd('POST', '/elements', { using: 'css selector', value: css })
    return r.map((e) => e[ELEMENT])
  }

  /** Poll until `css` exists (and, if given, its text satisfies `test`). */
  async waitFor(css, test = () => true, timeoutMs = 20000) {
    const end = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < end) {
      try {
        const ids = await this.findAll(css)
        for (const id of ids) {
          last = await this.text(id)
          if (test(last)) return id
        }
      } catch {
        // not there yet
      }
      await new Promise((r) => setTimeout(r, 200))
    }
    await this.screenshot(`timeout-${css.replace(/[^a-z0-9]+/gi, '_')}`)
    throw new Error(`timed out waiting for ${css} (last text: ${JSON.stringify(last)})`)
  }

  text(id) {
    return this.cmd('GET', `/element/${id}/text`)
  }

  /** Click like a user; while an overlay (a fading dialog, a toast) covers the element, wait and retry. */
  async click(id) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.cmd('POST', `/element/${id}/click`, {})
      } catch (e) {
        if (!String(e.message).includes('click intercepted') || attempt >= 20) throw e
        await new Promise((r) => setTimeout(r, 250))
      }
    }
  }

  /** Type into an input. Clearing goes through an `input` event so Vue's v-model sees it
   * (WebDriver's own clear only fires `change`, and Vue would re-render the old value). */
  async type(id, text, { clear = true } = {}) {
    if (clear) {
      await this.exec("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input', { bubbles: true }))", [{ [ELEMENT]: id }])
    }
    return this.cmd('POST', `/element/${id}/value`, { text })
  }

  exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args })
  }

  async screenshot(name) {
    try {
      const b64 = await this.cmd('GET', '/screenshot')
      const dir = new URL('./artifacts/', import.meta.url)
      const { mkdirSync } = await import('node:fs')
      mkdirSync(dir, { recursive: true })
      writeFileSync(new URL(`${name}.png`, dir), Buffer.from(b64, 'base64'))
    } catch {
      // best effort
    }
  }

  quit() {
    return raw(this.base, 'DELETE', `/session/${this.id}`)
  }
}

async function raw(base, method, path, body) {
  if (process.env.WEBDRIVER_TRACE) console.error('→', method, path, body ? JSON.stringify(body).slice(0, 120) : '')
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60000),
  })
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json)}`)
  return json.value
}

export const ENTER = '\uE007'
