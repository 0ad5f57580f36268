import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ContractForm from './ContractForm.vue'
import RowErrors from './RowErrors.vue'
import type { ContractInput } from '../bindings'

const initial: ContractInput = {
  number: 'HT-1', unit_id: 7, signed_on: '2025-03-01', total_price: '1500000.00', unit_price: '16759.78',
  pricing_basis: 'gross_area', payment_method: 'mortgage', filing_status: 'filed',
  parties: [{ buyer: { name: '张三', id_type: 'mainland_id', id_number: '11010519491231002X', phone: '13800138000', address: '' }, share: '100' }],
}

describe('ContractForm', () => {
  it('marks the one field the server names as in error', async () => {
    const w = mount(ContractForm, {
      props: { initial, error: { code: 'invalid', message: '身份证号校验位错误，请核对号码', field: 'parties[0].buyer.id_number' } },
      global: { plugins: [ElementPlus] },
    })
    await flushPromises()
    const items = w.findAll('.el-form-item')
    const flagged = items.filter((i) => i.classes().includes('is-error'))
    expect(flagged).toHaveLength(1)
    expect(flagged[0].text()).toContain('证件号码')
  })

  it('emits decimals as strings, thousands separators removed, and adds co-owners', async () => {
    const w = mount(ContractForm, { props: { initial }, global: { plugins: [ElementPlus] } })
    const price = w.find('input[data-test="contract-total-price"]')
    await price.setValue(' 1,480,000.50 ')
    await w.findAll('button').find((b) => b.text() === '添加共有人')!.trigger('click')
    await w.find('[data-test="contract-save"]').trigger('click')
    const [saved] = w.emitted('save')![0] as [ContractInput]
    expect(saved.total_price).toBe('1480000.50')
    expect(typeof saved.total_price).toBe('string')
    expect(saved.parties).toHaveLength(2)
    expect(saved.unit_id).toBe(7)
  })
})

describe('RowErrors', () => {
  it('lists every row-level problem with sheet, row and column', async () => {
    const w = mount(RowErrors, {
      props: { errors: [{ sheet: '房源表', row: 3, column: '预测建筑面积', message: '预测建筑面积必须大于 0' }] },
      global: { plugins: [ElementPlus] },
    })
    await flushPromises()
    expect(w.text()).toContain('发现 1 处错误，未写入任何数据')
    expect(w.text()).toContain('预测建筑面积必须大于 0')
    expect(w.text()).toContain('房源表')
  })
})
