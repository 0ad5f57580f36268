// Generated from the Rust types by `cargo test -p services bindings` (ts-rs). Do not edit.

export type ErrorCode = "invalid" | "not_found" | "conflict" | "forbidden" | "unauthenticated" | "bad_credentials" | "setup_required" | "stale" | "import_rejected" | "io" | "storage" | "internal";

export type AppError = { code: ErrorCode, message: string, field?: string, };

export type Role = "clerk" | "manager" | "finance" | "admin";

export type Permission = "view_records" | "edit_records" | "import_records" | "export_records" | "view_personal_data" | "view_audit" | "manage_users" | "quote_fees" | "manage_fee_rules" | "run_move_in" | "manage_move_in" | "manage_settings";

export type Session = { user_id: number, username: string, display_name: string, role: Role, };

export type SignedIn = { session: Session, role_label: string, permissions: Array<Permission>, idle_lock_minutes: number, 
/**
 * What the window says when it locks itself after those minutes (the services' own words).
 */
idle_lock_notice: string, };

export type PropertyType = "residential" | "commercial" | "office" | "parking" | "storage";

export type UnitStatus = "available" | "sold" | "delivered" | "withheld";

export type IdType = "mainland_id" | "passport" | "hk_macao_permit" | "taiwan_permit" | "business_license";

export type PricingBasis = "gross_area" | "internal_area" | "whole_unit";

export type PaymentMethod = "one_off" | "mortgage" | "instalments";

export type FilingStatus = "not_filed" | "signed" | "filed";

export type ContractStatus = "live" | "cancelled";

export type Project = { id: number, name: string, address: string, };

export type Building = { id: number, project_id: number, name: string, floors: number, has_elevator: boolean, };

export type Unit = { id: number, project_id: number, project_name: string, building_id: number, building_name: string, number: string, 
/**
 * How every screen and document names it ("1栋 1-101"): [`crate::unit_label::unit_label`].
 */
label: string, floor: number, property_type: PropertyType, forecast_gross_area: string, forecast_internal_area: string | null, surveyed_gross_area: string | null, surveyed_internal_area: string | null, status: UnitStatus, 
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

export type Contract = { id: number, number: string, unit_id: number, signed_on: string, total_price: string, unit_price: string, 
/**
 * The prices as shown ("1,500,000.00"): [`crate::amount::grouped`].
 */
total_price_display: string, unit_price_display: string, pricing_basis: PricingBasis, payment_method: PaymentMethod, filing_status: FilingStatus, status: ContractStatus, 
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

export type AuditCheck = { intact: boolean, summary: string, 
/**
 * Each problem listed in the report, in words.
 */
problems: Array<string>, report: ChainReport, };

export type FeePropertyType = "residential" | "commercial" | "office" | "parking" | "storage";

export type BuyerType = "individual" | "company";

export type VatMethod = "general" | "simplified" | "none";

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
price: string, 
/**
 * Which VAT rate of the region's rules applies (general by default).
 */
vat_method: VatMethod, 
/**
 * A VAT rate given by hand (older saved requests and scripts send one). When absent — as
 * the app and the services send it — the rate is the rule book's for `vat_method` on the
 * contract date.
 */
vat_rate?: string | null, elevator: boolean, 
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
overridden?: Override | null, 
/**
 * The figures as shown, formatted in Rust.
 */
display: QuoteLineDisplay, };

export type QuoteLineDisplay = { base: string, rate: string, amount: string, computed: string | null, };

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
total: string, 
/**
 * The total as shown ("19,658.97").
 */
total_display: string, total_in_capitals: string, };

export type AreaRequest = { contract_area: string, actual_area: string, unit_price: string, };

export type AreaLine = { name: string, area: string, unit_price: string, 
/**
 * Positive: the buyer pays; negative: the developer refunds; zero: borne by the developer.
 */
amount: string, explanation: string, 
/**
 * `unit_price` and `amount` as shown ("20,000.00").
 */
unit_price_display: string, amount_display: string, };

export type AreaSettlement = { 
/**
 * (actual − contracted) ÷ contracted × 100, rounded to two places for display.
 */
error_ratio_percent: string, difference: string, buyer_may_cancel: boolean, 
/**
 * The sum of the lines: positive = the buyer pays, negative = the developer refunds.
 */
amount: string, 
/**
 * `amount` as shown ("-140,000.00").
 */
amount_display: string, lines: Array<AreaLine>, 
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
balance: string, 
/**
 * The amounts as shown ("4,243.05").
 */
payment_display: string, principal_display: string, interest_display: string, balance_display: string, };

export type MortgageSchedule = { first_payment: string, last_payment: string, total_interest: string, total_payment: string, 
/**
 * The amounts as shown ("4,243.05").
 */
first_payment_display: string, last_payment_display: string, total_interest_display: string, total_payment_display: string, schedule: Array<MortgagePayment>, };

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

export type RuleShape = "rate" | "amount" | "flag" | "brackets" | "fund_standard" | "transaction_fee";

export type RuleFieldKind = "rate" | "amount" | "flag";

export type RuleField = { key: string, label: string, kind: RuleFieldKind, 
/**
 * What the number measures, in Chinese ("比例", "元/件", "元/㎡").
 */
unit: string, 
/**
 * The value in force (a decimal string, or `true`/`false`), if any.
 */
value: string | null, };

export type RuleInForce = { from: string, until: string | null, source: string, last_checked: string, 
/**
 * The value in words, as the screen shows it ("≤ 140㎡ 1%；> 140㎡ 1.5%").
 */
summary: string, };

export type RuleParameter = { 
/**
 * `deed_tax_rate`, …: the [`VersionInput::parameter`] value.
 */
key: string, label: string, shape: RuleShape, 
/**
 * The unit code written in the file (`rate`, `yuan_per_case` …), empty for compound shapes.
 */
unit: string, fields: Array<RuleField>, 
/**
 * `Brackets` only: the steps in force (upper bound in m², inclusive; the last has none).
 */
brackets: Array<StepInput>, 
/**
 * `Brackets` only: whether "the provincial rate applies" may be chosen instead of steps.
 */
may_be_provincial: boolean, 
/**
 * `Brackets` only: the version in force says the provincial rate applies.
 */
provincial: boolean, in_force: RuleInForce | null, };

export type RegionInfo = { code: string, name: string, based_on: string | null, rules_version: string, 
/**
 * Edited in the app (the latest saved version is in force), rather than as shipped.
 */
edited: boolean, 
/**
 * The rule form's schema: every parameter with its label, shape, unit, and the version in
 * force today (values and source), inherited ones included.
 */
parameters: Array<RuleParameter>, };

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

export type ChangePassword = { current_password: string, new_password: string, };

export type ChainReport = { 
/**
 * Sealed lines checked.
 */
lines: number, 
/**
 * Lines written before the chain began (by a version before it; not verifiable).
 */
before_chain: number, 
/**
 * The last line of the chain: its place, hash and time (note it down to detect a cut tail).
 */
head_seq: number, head_hash: string, head_at: string | null, 
/**
 * The first problems found (at most [`ChainReport::MAX_LISTED`]), and how many in all.
 */
problems: Array<ChainProblem>, problem_count: number, };

export type ChainProblem = { "kind": "altered", seq: number, id: number, } | { "kind": "missing", from_seq: number, to_seq: number, } | { "kind": "unsealed", id: number, };

export type BackupKind = "daily" | "pre_migration" | "pre_restore" | "manual";

export type BackupInfo = { file_name: string, path: string, bytes: number, sha256: string, schema_version: number, 
/**
 * The audit chain's last place in the backup (0: none): how far its records go.
 */
audit_head: number, 
/**
 * The newest audit line's time in the backup (the last change it holds).
 */
last_change_at: string | null, };

export type BackupEntry = { file_name: string, kind: BackupKind, kind_label: string, bytes: number, };

export type BackupList = { 
/**
 * Where the backups are (a folder beside the database file).
 */
folder: string, keep_daily: number, 
/**
 * Newest first.
 */
entries: Array<BackupEntry>, 
/**
 * A restore waiting for the next start, if one was asked for.
 */
pending_restore: string | null, 
/**
 * Why the last automatic backup failed, if it did.
 */
warning: string | null, };

export type MoveInStatus = "not_started" | "in_progress" | "delivered" | "deferred";

export type AppointmentStatus = "booked" | "arrived" | "no_show" | "cancelled";

export type DeliveryChannel = "mail" | "sms" | "phone" | "in_person";

export type StepKind = "identity" | "settlement" | "fees" | "confirmation" | "documents" | "meters" | "keys" | "inspection";

export type MeterKind = "water" | "electricity" | "gas";

export type KeyHolder = "office" | "owner" | "out" | "lost";

export type KeyAction = "registered" | "handed" | "checked_out" | "returned" | "lost";

export type StepConfig = { kind: StepKind, enabled: boolean, };

export type FeeBasis = { "type": "maintenance_fund" } | { "type": "per_area_monthly", rate: string, months: number, } | { "type": "fixed", amount: string, };

export type FeeItemConfig = { name: string, basis: FeeBasis, };

export type ProcedureConfig = { steps: Array<StepConfig>, fees: Array<FeeItemConfig>, documents: Array<string>, };

export type PeriodPlan = { label: string, 
/**
 * "09:00".
 */
starts: string, ends: string, quota: number, };

export type UnitSelection = { building_ids: Array<number>, floor_from: number | null, floor_to: number | null, unit_ids: Array<number>, };

export type BatchInput = { project_id: number, name: string, first_day: string, last_day: string, 
/**
 * Where owners come ("会所一楼入伙大厅").
 */
place: string, 
/**
 * Reception desks (windows) open.
 */
windows: number, periods: Array<PeriodPlan>, selection: UnitSelection, };

export type Batch = { id: number, project_id: number, project_name: string, name: string, first_day: string, last_day: string, place: string, windows: number, unit_count: number, delivered: number, booked: number, };

export type Slot = { id: number, batch_id: number, day: string, label: string, starts: string, ends: string, quota: number, booked: number, };

export type Appointment = { id: number, slot_id: number, unit_id: number, slot_text: string, status: AppointmentStatus, booked_at: string, booked_by: string, note: string, arrived_at: string | null, };

export type Delivery = { id: number, recorded_by: string, unit_id: number, channel: DeliveryChannel, delivered_on: string, 
/**
 * Who confirmed receipt (the owner, a family member…).
 */
confirmed_by: string, note: string, };

export type DeliveryInput = { unit_id: number, channel: DeliveryChannel, delivered_on: string, 
/**
 * Who confirmed receipt (the owner, a family member…).
 */
confirmed_by: string, note: string, };

export type MeterReading = { kind: MeterKind, number: string, reading: string, };

export type KeySetLine = { 
/**
 * 入户门钥匙, 信箱钥匙, 门禁卡…
 */
kind: string, count: number, 
/**
 * One number per key or card (may be empty for keys without numbers).
 */
numbers: Array<string>, };

export type PaidItem = { name: string, amount: string, 
/**
 * Receipt or invoice number.
 */
receipt: string, };

export type StepData = { "kind": "identity", 
/**
 * The owner in person, or an agent with a 委托书.
 */
by_agent: boolean, agent_name: string, agent_id_tail: string, authorization_seen: boolean, } | { "kind": "settlement", 
/**
 * Area difference settled (+ paid by the buyer, − refunded), from the area settlement.
 */
area_difference: string, balance_cleared: boolean, receipt: string, } | { "kind": "fees", items: Array<PaidItem>, } | { "kind": "confirmation", signed: boolean, } | { "kind": "documents", quality_guarantee: boolean, user_manual: boolean, } | { "kind": "meters", readings: Array<MeterReading>, } | { "kind": "keys", keys: Array<KeySetLine>, } | { "kind": "inspection", note: string, };

export type StepView = { kind: StepKind, enabled: boolean, 
/**
 * The reason it cannot be done yet.
 */
blocked_by: string | null, done: StepRecord | null, };

export type StepRecord = { id: number, data: StepData, 
/**
 * One line for the desk and the audit ("面积差价 -123.45 元，已结清，收据 SJ-001").
 */
summary: string, done_at: string, done_by: string, };

export type MoveInUnit = { unit_id: number, batch_id: number, batch_name: string, project_id: number, project_name: string, building_name: string, number: string, 
/**
 * "1栋 1-101" ([`crate::unit_label::unit_label`]).
 */
label: string, floor: number, gross_area: string, surveyed: boolean, contract_number: string | null, 
/**
 * Owners' names; phones and ID numbers masked unless the role may see them.
 */
owners: Array<Buyer>, status: MoveInStatus, hold_reason: string, version: number, appointment: Appointment | null, deliveries: Array<Delivery>, steps: Array<StepView>, 
/**
 * Amounts due from the project's fee configuration.
 */
amounts_due: Array<AmountDueView>, started_at: string | null, delivered_at: string | null, };

export type AmountDueView = { name: string, basis: string, 
/**
 * None when it cannot be computed (no saved quote for the maintenance fund).
 */
amount: string | null, 
/**
 * The amount as shown ("1,234.50"), when there is one.
 */
amount_display: string | null, };

export type BatchUnitRow = { unit_id: number, building_name: string, number: string, 
/**
 * "1栋 1-101" ([`crate::unit_label::unit_label`]).
 */
label: string, floor: number, owner_names: string, phone_masked: string, status: MoveInStatus, slot_text: string | null, appointment_status: AppointmentStatus | null, delivered_notice: boolean, steps_done: number, version: number, };

export type KeyRecord = { id: number, project_id: number, number: string, kind: string, 
/**
 * The unit it opens; none for a public key (机房, 天台…).
 */
unit_id: number | null, unit_label: string, label: string, holder: KeyHolder, 
/**
 * Who has it when checked out.
 */
out_to: string, out_reason: string, due_back: string | null, updated_at: string, overdue_days: number, };

export type KeyEvent = { id: number, key_id: number, action: KeyAction, person: string, reason: string, at: string, by: string, };

export type KeyInput = { project_id: number, number: string, kind: string, unit_id: number | null, 
/**
 * For a public key: what it opens ("2栋 电梯机房").
 */
label: string, };

export type KeyCheckout = { key_id: number, person: string, reason: string, due_back: string, };

export type ProgressRow = { key: string, units: number, booked: number, in_progress: number, delivered: number, deferred: number, 
/**
 * 交付率, percent with one decimal ("42.5").
 */
rate: string, };

export type Board = { project_id: number, batch_id: number | null, day: string, total: ProgressRow, arrived_today: number, delivered_today: number, 
/**
 * Arrived today, not yet delivered.
 */
waiting_now: number, 
/**
 * Average minutes from arrival to delivery over units delivered (none yet: null).
 */
average_minutes: number | null, by_batch: Array<ProgressRow>, by_building: Array<ProgressRow>, 
/**
 * Deliveries per day (day, count) over the batch period.
 */
per_day: Array<[string, number]>, };

export type Upload = { file_name: string, data_base64: string, };

export type LetterheadSettings = { 
/**
 * Empty: each document prints its project's name.
 */
company: string, address: string, phone: string, has_logo: boolean, has_seal: boolean, };

export type ImageChange = { "action": "keep" } | { "action": "clear" } | { "action": "upload" } & Upload;

export type LetterheadInput = { company: string, address: string, phone: string, logo: ImageChange, seal: ImageChange, };

export type ProcedureSettings = { project_id: number, config: ProcedureConfig, version: number, };

export type BatchCreatedView = { batch: Batch, slots: number, unsold_skipped: number, };

export type BatchDetail = { batch: Batch, slots: Array<Slot>, units: Array<BatchUnitRow>, };

export type MoveInDoc = "move-in-notice" | "move-in-confirmation" | "key-handover";

export type BatchFailure = { unit: string, message: string, };

export type BatchPrintReport = { 
/**
 * The folder the files were written into.
 */
dir: string, 
/**
 * Each file written, as a full path.
 */
files: Array<string>, printed: number, pages: number, failures: Array<BatchFailure>, };

export type InspectionKind = "pre_inspection" | "owner" | "reinspection";

export type ItemResult = "pass" | "fail" | "not_applicable";

export type Severity = "urgent" | "normal" | "minor";

export type DefectStatus = "pending" | "in_progress" | "awaiting_reinspection" | "closed" | "disputed" | "void";

export type DefectAction = "assign" | "mark_fixed" | "close" | "reject" | "dispute" | "uphold" | "dismiss" | "void";

export type ChecklistItem = { room: string, item: string, standard: string, 
/**
 * A defect on this item must have at least one photo.
 */
photo_required: boolean, };

export type TemplateInput = { project_id: number, 
/**
 * 户型 / unit type the template applies to ("住宅", "商业"…; a property-type label).
 */
unit_type: string, items: Array<ChecklistItem>, };

export type Template = { id: number, project_id: number, unit_type: string, version: number, items: Array<ChecklistItem>, created_at: string, created_by: string, };

export type ItemOutcome = { room: string, item: string, result: ItemResult, note: string, };

export type InspectionStart = { unit_id: number, kind: InspectionKind, };

export type InspectionUpdate = { inspection_id: number, version: number, outcomes: Array<ItemOutcome>, meters: Array<MeterReading>, remarks: string, };

export type Inspection = { id: number, unit_id: number, unit_label: string, kind: InspectionKind, template_id: number, template_version: number, items: Array<ChecklistItem>, outcomes: Array<ItemOutcome>, meters: Array<MeterReading>, remarks: string, inspector: string, started_at: string, completed_at: string | null, has_signature: boolean, version: number, defects: Array<Defect>, };

export type DefectInput = { inspection_id: number, room: string, item: string, 
/**
 * Three levels: 专业 / 部位 / 问题 ("土建 / 墙面 / 空鼓").
 */
category: [string, string, string], severity: Severity, party: string, 
/**
 * Defaults to today + the severity's days.
 */
deadline: string | null, description: string, 
/**
 * A pin on the floor plan, in percent of width and height.
 */
pin: [number, number] | null, 
/**
 * The photos, sent as their content by the page.
 */
photos: Array<Upload>, };

export type Photo = { id: number, hash: string, file_name: string, bytes: number, };

export type Defect = { 
/**
 * Days past the deadline while open (0 when not overdue).
 */
overdue_days: number, 
/**
 * What the workflow offers next (see [`actions_from`]).
 */
actions: Array<DefectAction>, id: number, unit_id: number, unit_label: string, inspection_id: number, room: string, item: string, category: [string, string, string], severity: Severity, party: string, deadline: string, description: string, pin: [number, number] | null, status: DefectStatus, raised_at: string, raised_by: string, fixed_by: string | null, fixed_at: string | null, closed_at: string | null, reopened: number, photos: Array<Photo>, version: number, };

export type DefectEvent = { id: number, defect_id: number, action: DefectAction, from_status: DefectStatus, to_status: DefectStatus, reason: string, at: string, by: string, };

export type DefectQuery = { project_id: number, unit_id: number | null, party: string | null, 
/**
 * The first category level ("土建").
 */
category: string | null, status: DefectStatus | null, open_only: boolean, overdue_only: boolean, limit: number | null, };

export type Scorecard = { party: string, total: number, open: number, closed: number, overdue: number, 
/**
 * Average days from raised to marked fixed, one decimal.
 */
average_days_to_fix: string | null, 
/**
 * Percent of defects now overdue or closed late, one decimal.
 */
overdue_rate: string, 
/**
 * Percent of defects ever returned (退回), one decimal.
 */
reopen_rate: string, };

export type TemplateView = { template: Template, builtin: boolean, 
/**
 * The items as the settings text area edits them (see [`checklist_text`]).
 */
text: string, };

export type DefectMove = { defect_id: number, version: number, action: DefectAction, reason: string, };

export type OfficeToday = { 
/**
 * `YYYY-MM-DD` in the office's zone.
 */
date: string, 
/**
 * The IANA name, e.g. `Asia/Shanghai`.
 */
zone: string, 
/**
 * The office's wall-clock instant, RFC 3339 with its offset.
 */
now: string, };

export const PropertyTypeLabels: Record<PropertyType, string> = { residential: "住宅", commercial: "商业", office: "办公", parking: "车位", storage: "储藏室" };

export const UnitStatusLabels: Record<UnitStatus, string> = { available: "未售", sold: "已售", delivered: "已交付", withheld: "保留" };

export const IdTypeLabels: Record<IdType, string> = { mainland_id: "居民身份证", passport: "护照", hk_macao_permit: "港澳居民来往内地通行证", taiwan_permit: "台湾居民来往大陆通行证", business_license: "统一社会信用代码" };

export const PricingBasisLabels: Record<PricingBasis, string> = { gross_area: "按建筑面积", internal_area: "按套内面积", whole_unit: "按套" };

export const PaymentMethodLabels: Record<PaymentMethod, string> = { one_off: "一次性付款", mortgage: "按揭贷款", instalments: "分期付款" };

export const FilingStatusLabels: Record<FilingStatus, string> = { not_filed: "未备案", signed: "已网签", filed: "已备案" };

export const ContractStatusLabels: Record<ContractStatus, string> = { live: "有效", cancelled: "已解除" };

export const MoveInStatusLabels: Record<MoveInStatus, string> = { not_started: "未交付", in_progress: "办理中", delivered: "已交付", deferred: "暂缓" };

export const AppointmentStatusLabels: Record<AppointmentStatus, string> = { booked: "已预约", arrived: "已到场", no_show: "未到场", cancelled: "已取消" };

export const DeliveryChannelLabels: Record<DeliveryChannel, string> = { mail: "邮寄", sms: "短信", phone: "电话", in_person: "当面送达" };

export const StepKindLabels: Record<StepKind, string> = { identity: "核验身份", settlement: "结清房款及面积差价", fees: "缴纳入伙费用", confirmation: "签署入伙确认书", documents: "交付两书", meters: "抄录表底数", keys: "移交钥匙", inspection: "交房验收" };

export const MeterKindLabels: Record<MeterKind, string> = { water: "水表", electricity: "电表", gas: "燃气表" };

export const KeyHolderLabels: Record<KeyHolder, string> = { office: "物业保管", owner: "已交业主", out: "借出", lost: "遗失" };

export const KeyActionLabels: Record<KeyAction, string> = { registered: "登记入库", handed: "交付业主", checked_out: "借出", returned: "归还", lost: "报失" };

export const InspectionKindLabels: Record<InspectionKind, string> = { pre_inspection: "内部预验", owner: "业主验房", reinspection: "二次验房" };

export const ItemResultLabels: Record<ItemResult, string> = { pass: "合格", fail: "不合格", not_applicable: "不适用" };

export const SeverityLabels: Record<Severity, string> = { urgent: "紧急", normal: "一般", minor: "轻微" };

export const DefectStatusLabels: Record<DefectStatus, string> = { pending: "待派单", in_progress: "整改中", awaiting_reinspection: "待复验", closed: "已关闭", disputed: "争议", void: "作废" };

export const DefectActionLabels: Record<DefectAction, string> = { assign: "派单", mark_fixed: "整改完成", close: "复验通过并关闭", reject: "复验不通过（退回）", dispute: "业主提出争议", uphold: "裁定：继续整改", dismiss: "裁定：不予整改并关闭", void: "作废" };

export const FeeParameterLabels: Record<string, string> = { deed_tax_rate: "契税适用税率", deed_tax_first_home: "家庭首套住房契税（按面积分档）", deed_tax_second_home: "家庭第二套住房契税（按面积分档）", stamp_duty_rate: "印花税税率", stamp_duty_individual_housing_exempt: "个人买卖住房免征印花税", registration_fee_residential: "住宅登记费（元/件）", registration_fee_non_residential: "非住宅登记费（元/件）", certificate_fee_additional: "每增加一本证书工本费（元）", maintenance_fund: "住宅专项维修资金标准", transaction_fee: "交易手续费", vat_general_rate: "增值税税率（一般计税）", vat_simplified_rate: "增值税征收率（简易计税）" };

export const FeeVatMethodLabels: Record<VatMethod, string> = { general: "一般计税", simplified: "简易计税", none: "合同价不含增值税" };

export const RoleLabels: Record<Role, string> = { clerk: "置业顾问/客服专员", manager: "物业/客服主管", finance: "财务", admin: "系统管理员" };

export const AuditEntityLabels: Record<string, string> = { unit: "房屋", contract: "合同", buyer: "买受人", user: "用户", import: "导入批次", project: "项目", batch: "入伙批次", key: "钥匙", setting: "设置", inspection: "验房", inspection_template: "检查表", defect: "整改单", fee_quote: "税费测算", fee_rules: "收费规则", export: "导出与打印", backup: "备份与恢复" };

export const AuditActionLabels: Record<string, string> = { create: "新建", update: "修改", update_with_password: "修改（含密码）", cancel: "解除", import: "导入", undo_import: "撤销导入", set: "修改设置", book: "预约", rebook: "改约", cancelled: "取消预约", no_show: "记为未到场", arrive: "到场签到", notice_delivered: "入伙通知书送达", move_in_step: "办理步骤", move_in_step_undone: "撤销办理步骤", move_in_hold: "暂缓交付", move_in_resume: "恢复办理", move_in_config: "修改入伙办理设置", inspection_started: "开始验房", signed: "业主签名", completed: "完成验房", sign_in: "登录", sign_in_failed: "登录失败", sign_in_locked: "登录锁定", sign_out: "退出登录", password_changed: "修改本人密码", export_full: "导出（含完整个人信息）", print_full: "打印（含完整个人信息）", backup_made: "备份数据库", restored: "恢复数据库", registered: "登记入库", handed: "交付业主", checked_out: "借出", returned: "归还", lost: "报失", assign: "派单", mark_fixed: "整改完成", close: "复验通过并关闭", reject: "复验不通过（退回）", dispute: "业主提出争议", uphold: "裁定：继续整改", dismiss: "裁定：不予整改并关闭", void: "作废" };
