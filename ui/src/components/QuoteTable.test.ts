import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import QuoteTable from './QuoteTable.vue'
import type { Quote } from '../bindings'

const quote: Quote = {
  region: 'national', rules_version: 'national@0123456789abcdef', contract_date: '2025-03-01',
  items: [
    { code: 'deed_tax', name: '契税', base: '1376146.79', rate: '0.015', unit_amount: null, amount: '13760.00',
      explanation: '家庭首套，建筑面积 89.50㎡ ≤ 140㎡，税率 1%', source: '公告2024年第16号', exempt: false,
      overridden: { computed: '13761.47', reason: '以税务机关核定为准', by: 'cw', at: '2026-11-23T10:00:00+08:00' },
      display: { base: '1,376,146.79', rate: '1.5%', amount: '13,760.00', computed: '13,761.47' } },
    { code: 'stamp_duty', name: '印花税', base: '1376146.79', rate: '0', unit_amount: null, amount: '0.00',
      explanation: '个人购买住房，免征印花税', source: '财税〔2008〕137号', exempt: true,
      display: { base: '1,376,146.79', rate: '0%', amount: '0.00', computed: null } },
    { code: 'registration_fee', name: '不动产登记费', base: '1', rate: null, unit_amount: '80.00', amount: '80.00',
      explanation: '每件收取', source: '发改价格规〔2016〕2559号', exempt: false,
      display: { base: '1', rate: '80.00', amount: '80.00', computed: null } },
  ],
  total: '13840.00', total_display: '13,840.00', total_in_capitals: '壹万叁仟捌佰肆拾元整',
}

describe('QuoteTable', () => {
  it('prints every line as Rust formatted it: rates as percentages, the override and the total in capitals', async () => {
    const w = mount(QuoteTable, { props: { quote, editable: true }, global: { plugins: [ElementPlus] } })
    await flushPromises()
    const deed = w.find('[data-test="quote-line-deed_tax"]').text()
    expect(deed).toContain('1.5%')
    expect(deed).toContain('13,760.00')
    expect(deed).toContain('计算值 13,761.47')
    expect(deed).toContain('以税务机关核定为准')
    expect(w.find('[data-test="quote-line-stamp_duty"]').text()).toContain('0%')
    const reg = w.find('[data-test="quote-line-registration_fee"]').findAll('td').map((td) => td.text())
    expect(reg.slice(1, 4)).toEqual(['1', '80.00', '80.00'])
    expect(w.find('[data-test="quote-total"]').text()).toBe('13,840.00')
    expect(w.find('[data-test="quote-capitals"]').text()).toBe('壹万叁仟捌佰肆拾元整')
    expect(w.text()).toContain('national@0123456789abcdef')
  })

  it('emits the line to override', async () => {
    const w = mount(QuoteTable, { props: { quote, editable: true }, global: { plugins: [ElementPlus] } })
    await w.findAll('button').find((b) => b.text() === '改金额')!.trigger('click')
    expect((w.emitted('override')![0][0] as { code: string }).code).toBe('deed_tax')
  })
})
