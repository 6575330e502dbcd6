import { registerWasm } from '../wasm/register.js';
import { conformanceShard } from './suite.js';

registerWasm();
conformanceShard(['node'], 'wasm,reference', 1, 4);
