/**
 * wmflow's MIME engine: parse real-world mail into a tree over its original bytes, edit headers
 * and text bodies locally, add structure, and serialise with every untouched byte intact.
 */
export { parseMessage, parseMessageSync, type ParseOptions } from './parse.js';
export { parseHeadersOnly } from './headers-only.js';
export { MimeMessage } from './mime-message.js';
export { MimePart, type Segment } from './mime-part.js';
export { HeaderBlock, fieldValue, type HeaderField, type AddHeaderOptions } from './header-block.js';
export { MimeError, type MimeErrorCode } from './errors.js';
export { DEFAULT_LIMITS, type MimeLimits } from './limits.js';
export { readContentInfo, type ContentInfo } from './content-info.js';
export { decodesLosslessly, getText, getTextEdge, readText, setText, type SetTextResult } from './text-body.js';
export {
  appendText,
  insertTextAt,
  type AppendTextOptions,
  type TextInsertion,
  type TextInsertionStrategy,
  type TextPosition,
} from './text-splice.js';
export { addSeparateTextPart, type SeparatePartResult } from './separate-part.js';
export { decodeCharset, encodeCharset, canonicalCharset, charsetKind, roundTrips, type CharsetKind, type DecodedText } from './charset.js';
export { decodeTransfer, encodeTransfer } from './transfer-encoding.js';
export {
  findReaderBodies,
  findReadableParts,
  type ReadablePart,
  findAttachments,
  findRelatedParts,
  findCalendarParts,
  detectSecurity,
  type ReaderBodies,
  type AttachmentInfo,
  type SecurityInfo,
} from './structure.js';
export { insertBodyPart, wrapInMixed, wrapAsAttachment, replacePart, type WrapOptions } from './add-structure.js';
export { buildBodyPart, buildTextAttachment, type NewBodyContent } from './build-part.js';
export { checkLineLengths, findLongLines, reencodeForLineLimit, MAX_LINE_OCTETS, type LongLine } from './line-limit.js';
export { decodeWords } from './encoded-words.js';
export { encodeUnstructured, formatHeaderField, MAX_HEADER_LINE } from './header-value.js';
export { headerAddresses } from './addresses.js';
export { findBareLineBreaks, type BareLineBreaks, type LineEnding } from './line-ending.js';
export { isFieldName, UNIQUE_FIELDS, REQUIRED_FIELDS, STRUCTURAL_FIELDS } from './header-fields.js';
