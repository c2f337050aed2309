export {
  actionInputs,
  allOf,
  envInputSource,
  formatDurationInput,
  InputError,
  type InputReader,
  type InputReaderOptions,
  type InputSource,
  inputVariable,
  type ListOptions,
  lengthBetween,
  type NumberOptions,
  parseDuration,
  pattern,
  quoteValue,
  type Rule,
  type RuleOptions,
  recordInputSource,
} from './inputs.js';
export { type ActionIO, actionIO } from './io.js';
export { actionsLogger, type Logger } from './log.js';
export { actionsOutputs, formatOutput, type Outputs, type OutputValue } from './outputs.js';
export { ARC_ML_ACTIONS_VERSION, printPlan } from './plan.js';
export {
  type Clock,
  createProgress,
  formatDuration,
  type Progress,
  type ProgressOptions,
  systemClock,
} from './progress.js';
export {
  ActionError,
  actionsRunIO,
  errorMessage,
  hintOf,
  type RunActionIO,
  runAction,
} from './run-action.js';
export { MIN_SECRET_LENGTH, maskSecret, redact, secretParts } from './secrets.js';
export { actionsStateStore, defineStateKey, type StateKey, type StateStore } from './state.js';
export {
  actionsSummarySink,
  type Cell,
  escapeHtml,
  escapeMarkdown,
  JobSummary,
  jobSummary,
  type SummarySink,
} from './summary.js';
export {
  type Annotation,
  type AnnotationSink,
  type DocumentPath,
  type ParseOptions,
  type PositionedDocument,
  parseYaml,
  reportAnnotation,
  SourceError,
  type SourceLocation,
} from './yaml-document.js';
