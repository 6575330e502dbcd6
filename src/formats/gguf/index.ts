/** The GGUF reader: bytes, Blob/File, URL (range requests) or path → metadata, tensor infos, tensor data. */
export { openGguf, readGguf, GgufFile, type GgufInput, type GgufOpenOptions, type GgufShard } from './file.js';
export { GgufMetadata } from './metadata.js';
export { looksLikeGguf, parseHeader, GGUF_DEFAULT_ALIGNMENT, type GgufHeader, type GgufTensorInfo } from './reader.js';
export { blobSource, bytesSource, pathSource, urlSource, type ByteSource, type UrlSourceOptions } from './source.js';
export { splitFileName } from './split.js';
export { GGUF_VALUE_TYPES, isGgufArray, valueToJson, type GgufArray, type GgufArrayItems, type GgufEntry, type GgufValue, type GgufValueType } from './values.js';
export { canDequantize, dequantize, DEQUANT_TYPES } from '../../engine/quant/index.js';
export { f16Table } from '../../engine/quant/float.js';
export { IQ4NL_LEVELS } from '../../engine/quant/iquants.js';
