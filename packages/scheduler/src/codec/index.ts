export { copy, needsNoCopy } from './copy.js';
export { Decoder } from './decoder.js';
export { Encoder } from './encoder.js';
export { CodecError } from './errors.js';
export { defineExtension, type Extension } from './extensions.js';
