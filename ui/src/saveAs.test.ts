import { beforeEach, describe, expect, it, vi } from 'vitest'

const success = vi.fn()
const error = vi.fn()
vi.mock('element-plus', () => ({ ElMessage: { success: (m: string) => success(m), error: (m: string) => error(m) } }))

import { saveAs } from './saveAs'
import { toUpload } from './api'

describe('saveAs', () => {
  beforeEach(() => {
    success.mockClear()
    error.mockClear()
  })

  it('names where the command saved the file', async () => {
    await saveAs(async () => '/home/clerk/房源列表.xlsx')
    expect(success).toHaveBeenCalledWith('已保存到 /home/clerk/房源列表.xlsx')
    expect(error).not.toHaveBeenCalled()
  })

  it('says nothing when the user cancelled the dialog', async () => {
    await saveAs(async () => null)
    expect(success).not.toHaveBeenCalled()
    expect(error).not.toHaveBeenCalled()
  })

  it('shows the refusal', async () => {
    await saveAs(async () => {
      throw { code: 'invalid', field: 'path', message: '「保存位置」不能是数据库文件或应用数据文件夹' }
    })
    expect(error).toHaveBeenCalledWith('「保存位置」不能是数据库文件或应用数据文件夹')
  })
})

describe('toUpload', () => {
  it('sends a chosen file as its name and content, never a path', async () => {
    // jsdom's File has no arrayBuffer(); the browser's does.
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47])
    const file = { name: '徽标.png', arrayBuffer: async () => bytes.buffer } as unknown as File
    const up = await toUpload(file)
    expect(up).toEqual({ file_name: '徽标.png', data_base64: 'iVBORw==' })
  })
})
