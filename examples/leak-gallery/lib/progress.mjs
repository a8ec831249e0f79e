// A progress indicator on stderr: a live bar on a terminal, one line per run otherwise.
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createProgress(stream, total) {
  const tty = Boolean(stream.isTTY);
  let index = 0;
  let frame = 0;
  let label = '';
  const prefix = () => `[${index}/${total}]`;
  const draw = (fraction) => {
    if (!tty) return;
    const width = 24;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    frame = (frame + 1) % FRAMES.length;
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    stream.write(`\r\x1b[2K${FRAMES[frame]} ${prefix()} ${label} ${bar} ${Math.round(fraction * 100)}%`);
  };
  return {
    start(name) {
      index++;
      label = name;
      draw(0);
    },
    update(fraction) {
      draw(fraction);
    },
    finish(name, outcome) {
      if (label !== name) index++;
      label = '';
      stream.write(`${tty ? '\r\x1b[2K' : ''}${prefix()} ${name}: ${outcome}\n`);
    },
    done() {
      if (tty) stream.write('\r\x1b[2K');
    },
  };
}
