// The CommonJS entry: `require('@leakproof/events')` is the EventEmitter constructor
// itself, carrying every named export as a property, exactly as `require('events')` is.
import { EventEmitter } from './event-emitter.js';

module.exports = EventEmitter;
