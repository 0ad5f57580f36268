// Typed calls to the Rust commands. Every failure is an AppError { code, message, field? }.
import { Channel, invoke } from '@tauri-apps/api/core'
import type {
  AreaRequest, AreaSettlement, LineOverride, MortgageRequest, MortgageSchedule, Quote, QuoteRequest,
  RegionInfo, RuleFileVersion, RuleFinding, SavedQuote, VersionInput,
  AppError, AuditEntry, Building, Contract, ContractEdit, ContractInput, FirstAdmin, ImportOutcome,
  ImportRecord, NewUserRequest, Page, Project, SetupStatus, SignedIn, Unit, UnitDetail, UnitEdit,
  UnitListItem, UnitQuery, UpdateUserRequest, UserInfo,
  Batch, BatchCreatedView, BatchDetail, BatchInput, BatchPrintReport, Board, DeliveryInput, KeyCheckout, KeyEvent,
  KeyInput, KeyRecord, LetterheadInput, Defect, DefectEvent, DefectInput, DefectMove, DefectQuery, Inspection,
  InspectionStart, InspectionUpdate, Scorecard, TemplateView, ImageChange, LetterheadSettings, MoveInDoc, MoveInUnit, ProcedureSettings, StepData, StepKind,
  OfficeToday, ChangePassword, AuditCheck, BackupInfo, BackupList, Upload,
} from './bindings'

/**
 * Turn anything thrown by invoke into an AppError. The commands send one; Tauri itself refuses a
 * malformed plain argument with text ("invalid args `id` for command `x`: …"), which becomes an
 * `invalid` error on that field without the prefix.
 */
export function toAppError(e: unknown): AppError {
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) return e as AppError
  if (typeof e === 'string') {
    const m = /^invalid args `([^`]+)` for command `[^`]+`: ([\s\S]*)$/.exec(e)
    if (m) return { code: 'invalid', field: m[1], message: `「${m[1]}」的值无效：${m[2]}` }
    return { code: 'internal', message: e }
  }
  return { code: 'internal', message: '未知错误' }
}

/** Called when a command answers that the session has ended (idle lock, account disabled, role changed). */
let sessionEnded: ((e: AppError) => void) | null = null
export function onSessionEnded(handler: (e: AppError) => void) {
  sessionEnded = handler
}

/** Commands that answer `unauthenticated` as part of signing in, not because a session ended. */
const SIGN_IN_COMMANDS = new Set(['sign_in', 'create_first_admin', 'current_session', 'sign_out'])

async function call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(cmd, args)
  } catch (e) {
    const err = toAppError(e)
    if (err.code === 'unauthenticated' && !SIGN_IN_COMMANDS.has(cmd)) sessionEnded?.(err)
    throw err
  }
}

export const api = {
  /** Why the records could not be opened when the app started (null: they are open). */
  startupError: () => call<AppError | null>('startup_error'),
  setupStatus: () => call<SetupStatus>('setup_status'),
  createFirstAdmin: (req: FirstAdmin) => call<SignedIn>('create_first_admin', { req }),
  signIn: (username: string, password: string) => call<SignedIn>('sign_in', { req: { username, password } }),
  signOut: () => call<void>('sign_out'),
  currentSession: () => call<SignedIn | null>('current_session'),
  /** The first frame is on screen (the cold-start benchmark). */
  firstPaint: () => call<void>('first_paint'),
  users: () => call<UserInfo[]>('users'),
  createUser: (req: NewUserRequest) => call<UserInfo>('create_user', { req }),
  updateUser: (req: UpdateUserRequest) => call<UserInfo>('update_user', { req }),
  changePassword: (req: ChangePassword) => call<void>('change_password', { req }),
  setIdleLockMinutes: (minutes: string) => call<number>('set_idle_lock_minutes', { minutes }),
  verifyAudit: () => call<AuditCheck>('verify_audit'),
  backups: () => call<BackupList>('backups'),
  backupNow: () => call<BackupInfo>('backup_now'),
  checkBackup: (file_name: string) => call<BackupInfo>('check_backup', { file_name }),
  setBackupKeep: (keep: string) => call<number>('set_backup_keep', { keep }),
  stageRestore: (file_name: string, force: boolean) => call<BackupInfo>('stage_restore', { file_name, force }),
  cancelRestore: () => call<void>('cancel_restore'),
  projects: () => call<Project[]>('projects'),
  buildings: (project_id: number) => call<Building[]>('buildings', { project_id }),
  searchUnits: (query: Partial<UnitQuery>) => call<Page<UnitListItem>>('search_units', { query }),
  unitByNumber: (project_id: number | null, number: string) => call<Unit>('unit_by_number', { project_id, number }),
  unitDetail: (id: number) => call<UnitDetail>('unit_detail', { id }),
  updateUnit: (edit: UnitEdit) => call<Unit>('update_unit', { edit }),
  createContract: (input: ContractInput) => call<Contract>('create_contract', { input }),
  updateContract: (edit: ContractEdit) => call<Contract>('update_contract', { edit }),
  cancelContract: (id: number, version: number) => call<void>('cancel_contract', { id, version }),
  importWorkbook: (file_name: string, data_base64: string) => call<ImportOutcome>('import_workbook', { file_name, data_base64 }),
  imports: () => call<ImportRecord[]>('imports'),
  undoImport: (id: number) => call<void>('undo_import', { id }),
  auditForUnit: (unit_id: number) => call<AuditEntry[]>('audit_for_unit', { unit_id }),
  auditRecent: (limit: number) => call<AuditEntry[]>('audit_recent', { limit }),
  // Saves: the save dialog runs in Rust (the page sends no path); each answers the path written, or null when cancelled.
  exportUnits: (query: Partial<UnitQuery>) => call<string | null>('export_units', { query }),
  exportAudit: (limit: number) => call<string | null>('export_audit', { limit }),
  feeRegions: () => call<RegionInfo[]>('fee_regions'),
  quoteFees: (request: QuoteRequest, overrides: LineOverride[] = []) => call<Quote>('quote_fees', { request, overrides }),
  contractQuoteDefaults: (contract_id: number) => call<QuoteRequest>('contract_quote_defaults', { contract_id }),
  saveContractQuote: (contract_id: number, request: QuoteRequest, overrides: LineOverride[]) =>
    call<SavedQuote>('save_contract_quote', { contract_id, request, overrides }),
  saveFeeStatement: (contract_id: number, quote_id: number, copies: number) =>
    call<string | null>('save_fee_statement', { contract_id, quote_id, copies }),
  printFeeStatement: (contract_id: number, quote_id: number, copies: number) =>
    call<string>('print_fee_statement', { contract_id, quote_id, copies }),
  printAreaStatement: (contract_number: string) => call<string>('print_area_statement', { contract_number }),
  saveAreaStatement: (contract_number: string) => call<string | null>('save_area_statement', { contract_number }),
  contractQuotes: (contract_id: number) => call<SavedQuote[]>('contract_quotes', { contract_id }),
  areaSettlement: (request: AreaRequest) => call<AreaSettlement>('area_settlement', { request }),
  mortgageSchedule: (request: MortgageRequest) => call<MortgageSchedule>('mortgage_schedule', { request }),
  exportMortgage: (request: MortgageRequest) => call<string | null>('export_mortgage', { request }),
  regionRulesText: (code: string) => call<string>('region_rules_text', { code }),
  checkRegionRules: (toml: string) => call<RuleFinding[]>('check_region_rules', { toml }),
  saveRegionRules: (toml: string) => call<RegionInfo>('save_region_rules', { toml }),
  addRuleVersion: (code: string, name: string | null, input: VersionInput) => call<RegionInfo>('add_rule_version', { code, name, input }),
  regionRulesHistory: (code: string) => call<RuleFileVersion[]>('region_rules_history', { code }),
  exportImports: () => call<string | null>('export_imports'),
  exportUsers: () => call<string | null>('export_users'),
  saveImportTemplate: () => call<string | null>('save_import_template'),
  // Move-in
  amountTotal: (values: string[]) => call<string>('amount_total', { values }),
  letterheadSettings: () => call<LetterheadSettings>('letterhead_settings'),
  saveLetterhead: (input: LetterheadInput) => call<LetterheadSettings>('save_letterhead', { input }),
  procedureSettings: (project_id: number) => call<ProcedureSettings>('procedure_settings', { project_id }),
  saveProcedureSettings: (settings: ProcedureSettings) => call<ProcedureSettings>('save_procedure_settings', { settings }),
  createBatch: (input: BatchInput) => call<BatchCreatedView>('create_batch', { input }),
  batches: (project_id: number) => call<Batch[]>('batches', { project_id }),
  batchDetail: (batch_id: number) => call<BatchDetail>('batch_detail', { batch_id }),
  bookSlot: (unit_id: number, slot_id: number, note: string, rebook: boolean) =>
    call<MoveInUnit>('book_slot', { unit_id, slot_id, note, rebook }),
  closeBooking: (unit_id: number, no_show: boolean) => call<MoveInUnit>('close_booking', { unit_id, no_show }),
  recordDelivery: (input: DeliveryInput) => call<MoveInUnit>('record_delivery', { input }),
  moveInUnit: (unit_id: number) => call<MoveInUnit>('move_in_unit', { unit_id }),
  checkIn: (unit_id: number, version: number) => call<MoveInUnit>('check_in', { unit_id, version }),
  doStep: (unit_id: number, version: number, data: StepData) => call<MoveInUnit>('do_step', { unit_id, version, data }),
  undoStep: (unit_id: number, version: number, kind: StepKind, reason: string) =>
    call<MoveInUnit>('undo_step', { unit_id, version, kind, reason }),
  setHold: (unit_id: number, version: number, reason: string | null) => call<MoveInUnit>('set_hold', { unit_id, version, reason }),
  keys: (project_id: number, overdue_only: boolean) => call<KeyRecord[]>('keys', { project_id, overdue_only }),
  registerKey: (input: KeyInput) => call<KeyRecord>('register_key', { input }),
  checkoutKey: (project_id: number, input: KeyCheckout) => call<KeyRecord>('checkout_key', { project_id, input }),
  returnOrLoseKey: (project_id: number, key_id: number, lost: boolean, note: string) =>
    call<KeyRecord>('return_or_lose_key', { project_id, key_id, lost, note }),
  keyEvents: (key_id: number) => call<KeyEvent[]>('key_events', { key_id }),
  board: (project_id: number, batch_id: number | null) => call<Board>('board', { project_id, batch_id }),
  exportBoard: (project_id: number, batch_id: number | null) => call<string | null>('export_board', { project_id, batch_id }),
  saveMoveInDoc: (unit_id: number, doc: MoveInDoc) => call<string | null>('save_move_in_doc', { unit_id, doc }),
  printMoveInDoc: (unit_id: number, doc: MoveInDoc) => call<string>('print_move_in_doc', { unit_id, doc }),
  /** Open a PDF this app wrote in this session (a path it answered), in the system viewer. */
  openFile: (path: string) => call<void>('open_file', { path }),
  /** Asks for the folder in Rust; null when the user cancelled. */
  printBatchNotices: (batch_id: number, combined: boolean, on_progress: Channel<{ done: number; total: number }>) =>
    call<BatchPrintReport | null>('print_batch_notices', { batch_id, combined, on_progress }),
  cancelBatchPrint: () => call<boolean>('cancel_batch_print'),
  // Inspection
  inspectionTemplate: (project_id: number, unit_type: string) => call<TemplateView>('inspection_template', { project_id, unit_type }),
  saveInspectionTemplateText: (project_id: number, unit_type: string, text: string) =>
    call<TemplateView>('save_inspection_template_text', { project_id, unit_type, text }),
  defectParties: (project_id: number) => call<string[]>('defect_parties', { project_id }),
  saveDefectParties: (project_id: number, parties: string[]) => call<string[]>('save_defect_parties', { project_id, parties }),
  startInspection: (start: InspectionStart) => call<Inspection>('start_inspection', { start }),
  inspection: (id: number) => call<Inspection>('inspection', { id }),
  inspectionsOfUnit: (unit_id: number) => call<Inspection[]>('inspections_of_unit', { unit_id }),
  updateInspection: (update: InspectionUpdate) => call<Inspection>('update_inspection', { update }),
  signInspection: (id: number, version: number, png_base64: string) => call<Inspection>('sign_inspection', { id, version, png_base64 }),
  completeInspection: (id: number, version: number) => call<Inspection>('complete_inspection', { id, version }),
  raiseDefect: (input: DefectInput) => call<Defect>('raise_defect', { input }),
  moveDefect: (request: DefectMove) => call<Defect>('move_defect', { request }),
  defects: (query: DefectQuery) => call<Defect[]>('defects', { query }),
  defectEvents: (id: number) => call<DefectEvent[]>('defect_events', { id }),
  defectPhoto: (photo_id: number, thumbnail: boolean) => call<string>('defect_photo', { photo_id, thumbnail }),
  scorecards: (project_id: number) => call<Scorecard[]>('scorecards', { project_id }),
  printInspectionForm: (id: number, copies: number) => call<string>('print_inspection_form', { id, copies }),
  saveInspectionForm: (id: number, copies: number) => call<string | null>('save_inspection_form', { id, copies }),
  floorPlan: (project_id: number, unit_type: string) => call<string | null>('floor_plan', { project_id, unit_type }),
  saveFloorPlan: (project_id: number, unit_type: string, change: ImageChange) =>
    call<string | null>('save_floor_plan', { project_id, unit_type, change }),
  printRectificationNotice: (project_id: number, party: string) => call<string>('print_rectification_notice', { project_id, party }),
  // The office
  officeToday: () => call<OfficeToday>('office_today'),
  setOfficeTimeZone: (time_zone: string) => call<OfficeToday>('set_office_time_zone', { time_zone }),
}

/** Read a File as base64 (for import_workbook and images: the page sends content, never a path). */
export async function fileToBase64(file: Blob): Promise<string> {
  const buf = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < buf.length; i += chunk) {
    binary += String.fromCharCode(...buf.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/** A file the user chose, as the commands take it: its name and its content. */
export async function toUpload(file: File): Promise<Upload> {
  return { file_name: file.name, data_base64: await fileToBase64(file) }
}
