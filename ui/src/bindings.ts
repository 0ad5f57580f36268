// Generated from the Rust types by `cargo test -p handover-services bindings` (ts-rs). Do not edit.

export type ErrorCode = "invalid" | "not_found" | "conflict" | "forbidden" | "unauthenticated" | "bad_credentials" | "setup_required" | "stale" | "import_rejected" | "io" | "storage" | "internal";

export type AppError = { code: ErrorCode, message: string, field?: string, };

export type Role = "clerk" | "manager" | "finance" | "admin";

export type Permission = "view_records" | "edit_records" | "import_records" | "export_records" | "view_personal_data" | "view_audit" | "manage_users" | "quote_fees" | "manage_fee_rules";

export type Session = { user_id: number, username: string, display_name: string, role: Role, };

export type SignedIn = { session: Session, role_label: string, permissions: Array<Permission>, };

export type PropertyType = "residential" | "commercial" | "office" | "parking" | "storage";

export type UnitStatus = "available" | "sold" | "delivered" | "withheld";

export type IdType = "mainland_id" | "passport" | "hk_macao_permit" | "taiwan_permit" | "business_license";

export type PricingBasis = "gross_area" | "internal_area" | "whole_unit";

export type PaymentMethod = "one_off" | "mortgage" | "instalments";

export type FilingStatus = "not_filed" | "signed" | "filed";

export type ContractStatus = "live" | "cancelled";

export type Project = { id: number, name: string, address: string, };

export type Building = { id: number, project_id: number, name: string, floors: number, has_elevator: boolean, };

export type Unit = { id: number, project_id: number, project_name: string, building_id: number, building_name: string, number: string, floor: number, property_type: PropertyType, forecast_gross_area: string, forecast_internal_area: string | null, surveyed_gross_area: string | null, surveyed_internal_area: string | null, status: UnitStatus, 
/**
 * Optimistic-concurrency version: an edit must carry the version it was made from.
 */
version: number, };

export type UnitListItem = { unit: Unit, contract_number: string | null, buyer_names: string, buyer_phones: string, };

export type Buyer = { id: number, name: string, id_type: IdType, 
/**
 * Masked (3301**********1234) unless the session may see personal data.
 */
id_number: string, 
/**
 * Masked (138****8000) unless the session may see personal data.
 */
phone: string, address: string, };

export type ContractParty = { buyer: Buyer, share: string, };

export type Contract = { id: number, number: string, unit_id: number, signed_on: string, total_price: string, unit_price: string, pricing_basis: PricingBasis, payment_method: PaymentMethod, filing_status: FilingStatus, status: ContractStatus, 
/**
 * The first party is the buyer (买受人); the others are co-owners (共有人).
 */
parties: Array<ContractParty>, version: number, };

export type UnitDetail = { unit: Unit, contracts: Array<Contract>, 
/**
 * Whether the ID numbers and phones shown are complete (role) or masked.
 */
personal_data_visible: boolean, };

export type UnitQuery = { project_id: number | null, building_id: number | null, property_type: PropertyType | null, status: UnitStatus | null, 
/**
 * Unit number prefix, buyer name prefix, full phone, phone tail (4 digits) or ID tail (4 characters).
 */
search: string | null, 
/**
 * 1-based.
 */
page: number, page_size: number, };

export type Page<T> = { items: Array<T>, total: number, };

export type BuyerInput = { name: string, id_type: IdType, id_number: string, phone: string, address: string, };

export type PartyInput = { buyer: BuyerInput, 
/**
 * Percent, up to two decimals; all parties of a contract sum to 100.
 */
share: string, };

export type ContractInput = { number: string, unit_id: number, signed_on: string, total_price: string, unit_price: string, pricing_basis: PricingBasis, payment_method: PaymentMethod, filing_status: FilingStatus, parties: Array<PartyInput>, };

export type UnitEdit = { id: number, version: number, property_type: PropertyType, status: UnitStatus, forecast_gross_area: string, forecast_internal_area: string | null, surveyed_gross_area: string | null, surveyed_internal_area: string | null, };

export type UserInfo = { id: number, username: string, display_name: string, role: Role, active: boolean, };

export type AuditEntry = { id: number, 
/**
 * RFC 3339 instant.
 */
at: string, username: string, entity: string, entity_id: number, 
/**
 * create / update / cancel / import / undo_import / ...
 */
action: string, 
/**
 * JSON of the record before the change (none for a creation).
 */
before: string | null, 
/**
 * JSON of the record after the change (none for a deletion).
 */
after: string | null, };

export type ImportRecord = { id: number, file_name: string, unit_count: number, contract_count: number, username: string, created_at: string, undone_at: string | null, };

export type ImportOutcome = { "outcome": "imported", import_id: number, units: number, contracts: number, } | { "outcome": "rejected", errors: Array<RowError>, };

export type RowError = { sheet: string, 
/**
 * The row number as Excel shows it (header is row 1).
 */
row: number, column: string, message: string, };

export type ContractEdit = { id: number, version: number, contract: ContractInput, };

export type FeePropertyType = "residential" | "commercial" | "office" | "parking" | "storage";

export type BuyerType = "individual" | "company";

export type FundOverride = { per_m2?: string | null, rate?: string | null, };

export type QuoteRequest = { region: string, 
/**
 * The contract date: the rules in force that day apply (契税法 Art. 9).
 */
contract_date: string, property_type: FeePropertyType, buyer_type: BuyerType, 
/**
 * Homes the buyer's family already owns in that city (0 = this is the first).
 */
homes_owned: number, gross_area: string, 
/**
 * Contract price including VAT.
 */
price: string, vat_rate: string, elevator: boolean, 
/**
 * Title certificates issued (co-owners may each hold one).
 */
certificates: number, maintenance_fund?: FundOverride | null, };

export type QuoteItem = { code: string, name: string, 
/**
 * What the rate applies to (price excl. VAT, area, cases), if anything.
 */
base: string | null, rate: string | null, 
/**
 * A fixed amount per unit (yuan per m², per case, per certificate).
 */
unit_amount: string | null, amount: string, explanation: string, source: string, 
/**
 * Exempt or not charged: the amount is 0.00 and the explanation names why.
 */
exempt: boolean, 
/**
 * Set when a clerk replaced the computed amount (the tax office's assessment is final).
 */
overridden?: Override | null, };

export type Override = { computed: string, reason: string, by: string, at: string, };

export type LineOverride = { code: string, amount: string, reason: string, };

export type Quote = { region: string, 
/**
 * Which rules were used: the region code and a fingerprint of its resolved rule file.
 */
rules_version: string, contract_date: string, items: Array<QuoteItem>, 
/**
 * The sum of the items' amounts.
 */
total: string, total_in_capitals: string, };

export type AreaRequest = { contract_area: string, actual_area: string, unit_price: string, };

export type AreaLine = { name: string, area: string, unit_price: string, 
/**
 * Positive: the buyer pays; negative: the developer refunds; zero: borne by the developer.
 */
amount: string, explanation: string, };

export type AreaSettlement = { 
/**
 * (actual − contracted) ÷ contracted × 100, rounded to two places for display.
 */
error_ratio_percent: string, difference: string, buyer_may_cancel: boolean, 
/**
 * The sum of the lines: positive = the buyer pays, negative = the developer refunds.
 */
amount: string, lines: Array<AreaLine>, 
/**
 * Who pays whom, in words: 买受人补交 / 出卖人返还买受人 / 无需结算.
 */
outcome: string, 
/**
 * |amount| in Chinese capitals (人民币大写).
 */
amount_in_capitals: string, source: string, };

export type MortgageMethod = "equal_installment" | "equal_principal";

export type MortgageRequest = { principal: string, 
/**
 * e.g. "0.0305" for 3.05% a year.
 */
annual_rate: string, months: number, method: MortgageMethod, };

export type MortgagePayment = { month: number, payment: string, principal: string, interest: string, 
/**
 * Balance after this payment.
 */
balance: string, };

export type MortgageSchedule = { first_payment: string, last_payment: string, total_interest: string, total_payment: string, schedule: Array<MortgagePayment>, };

export type RuleFinding = { region: string, parameter: string, 
/**
 * `error` (the file is wrong) or `stale` (not re-checked for more than a year).
 */
severity: string, message: string, };

export type StepInput = { up_to: string | null, rate: string, };

export type VersionInput = { 
/**
 * `deed_tax_rate`, `deed_tax_first_home`, …, `maintenance_fund`, `transaction_fee`.
 */
parameter: string, from: string, source: string, last_checked: string, 
/**
 * Single-value parameters: a decimal, or `true`/`false` for the exemption flag.
 */
value: string | null, brackets: Array<StepInput>, provincial: boolean, per_m2_with_lift: string | null, per_m2_without_lift: string | null, rate_of_price: string | null, residential_per_m2: string | null, non_residential_rate: string | null, };

export type RegionInfo = { code: string, name: string, based_on: string | null, rules_version: string, 
/**
 * Edited in the app (the latest saved version is in force), rather than as shipped.
 */
edited: boolean, };

export type SavedQuote = { id: number, contract_id: number, request: QuoteRequest, quote: Quote, created_at: string, created_by: string, };

export type RuleFileVersion = { id: number, region: string, created_at: string, created_by: string, };

export type RequoteReport = { saved: number, failed: Array<RequoteFailure>, };

export type RequoteFailure = { contract_number: string, message: string, };

export type SetupStatus = { 
/**
 * No user exists yet: the app must ask for the administrator's password first.
 */
needs_admin: boolean, };

export type FirstAdmin = { username: string, display_name: string, password: string, };

export type SignIn = { username: string, password: string, };

export type NewUserRequest = { username: string, display_name: string, role: Role, password: string, };

export type UpdateUserRequest = { id: number, role: Role, active: boolean, 
/**
 * A new password, or none to keep the current one.
 */
password: string | null, };

export const PropertyTypeLabels: Record<PropertyType, string> = { residential: "住宅", commercial: "商业", office: "办公", parking: "车位", storage: "储藏室" };

export const UnitStatusLabels: Record<UnitStatus, string> = { available: "未售", sold: "已售", delivered: "已交付", withheld: "保留" };

export const IdTypeLabels: Record<IdType, string> = { mainland_id: "居民身份证", passport: "护照", hk_macao_permit: "港澳居民来往内地通行证", taiwan_permit: "台湾居民来往大陆通行证", business_license: "统一社会信用代码" };

export const PricingBasisLabels: Record<PricingBasis, string> = { gross_area: "按建筑面积", internal_area: "按套内面积", whole_unit: "按套" };

export const PaymentMethodLabels: Record<PaymentMethod, string> = { one_off: "一次性付款", mortgage: "按揭贷款", instalments: "分期付款" };

export const FilingStatusLabels: Record<FilingStatus, string> = { not_filed: "未备案", signed: "已网签", filed: "已备案" };

export const ContractStatusLabels: Record<ContractStatus, string> = { live: "有效", cancelled: "已解除" };

export const FeeParameterLabels: Record<string, string> = { deed_tax_rate: "契税适用税率", deed_tax_first_home: "家庭首套住房契税（按面积分档）", deed_tax_second_home: "家庭第二套住房契税（按面积分档）", stamp_duty_rate: "印花税税率", stamp_duty_individual_housing_exempt: "个人买卖住房免征印花税", registration_fee_residential: "住宅登记费（元/件）", registration_fee_non_residential: "非住宅登记费（元/件）", certificate_fee_additional: "每增加一本证书工本费（元）", maintenance_fund: "住宅专项维修资金标准", transaction_fee: "交易手续费" };

export const RoleLabels: Record<Role, string> = { clerk: "置业顾问/客服专员", manager: "物业/客服主管", finance: "财务", admin: "系统管理员" };
