/**
 * Careful HTML editing without re-serialising: find positions with htmlparser2's tokenizer,
 * edit by splicing, so every character outside an edit keeps its exact form.
 */
export { tokenizeHtml, TEXT_ONLY_ELEMENTS, type HtmlToken, type HtmlAttribute, type TokenizedHtml } from './tokenize.js';
export { insertHtmlFragment, findInsertionPoint, type InsertPosition } from './body-insertion.js';
export { findTextRanges, findAttributeValueRanges, findTextRuns, type TextRange, type TextRun, type TextRangeOptions } from './text-ranges.js';
export { decodeRun, toRawEdits, applyRawEdits, type DecodedRun, type DecodedEdit, type RawEdit } from './decoded-text.js';
export { escapeHtml, escapeHtmlAscii } from './escape.js';
