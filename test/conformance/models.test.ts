import { conformanceShard } from './suite.js';

conformanceShard(['simple', 'pytorch-converted', 'pytorch-operator'], 'reference');
