import { registerWasm } from '../wasm/register.js';
import { conformanceShard } from './suite.js';

registerWasm();
conformanceShard(['simple', 'pytorch-converted', 'pytorch-operator', 'light'], 'wasm,reference');
