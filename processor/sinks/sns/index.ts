export { findingText, shortText, TEXT_SECTIONS } from './finding-text.js';
export { batchesBySize } from './size-batches.js';
export { SNS_MAX_MESSAGE_BYTES, type SnsEntry, snsEntry } from './sns-entry.js';
export { SNS_MAX_BATCH_ENTRIES, SnsEntriesFailedError, SnsSink, type SnsSinkOptions } from './sns-sink.js';
export { routeFinding, type SnsRoute, type SnsTopics, type TeamRoute } from './topic-routing.js';
