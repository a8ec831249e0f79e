// The only pending work is an awaited once() with a timeout: it must reject, not exit 13.
import { EventEmitter, once } from '@leakproof/events';

const option = process.argv[2] ?? 'timeoutMs';
try {
  await once(new EventEmitter(), 'never', { [option]: 50 });
  console.log('resolved');
} catch (error) {
  console.log(error.code);
  process.exitCode = 1;
}
