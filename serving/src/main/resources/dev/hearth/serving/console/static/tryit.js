// Try-it page: builds an OIP v2 request from a CSV row or a drawn 28x28 digit, sends it to the server's own
// /v2/models/{m}/infer with the session (cookie) and its CSRF header, and lists the top classes. Every string from
// the server is put into the page as text (textContent), never as HTML.
const form = document.getElementById('try');
const select = document.getElementById('try-model');
const csv = document.getElementById('try-csv');
const draw = document.getElementById('draw');
const canvas = document.getElementById('try-canvas');
const features = document.getElementById('try-features');
const result = document.getElementById('try-result');
const error = document.getElementById('try-error');
let drawn = false;

function signature() {
  const option = select.options[select.selectedIndex];
  return option ? JSON.parse(option.dataset.signature) : null;
}

function onModelChange() {
  const sig = signature();
  if (!sig) {
    return;
  }
  features.textContent = sig.features + ' features' +
      (sig.featureNames.length ? ': ' + sig.featureNames.join(', ') + (sig.features > sig.featureNames.length ? ', …' : '') : '') +
      (sig.labels.length ? ' → classes ' + sig.labels.join(', ') : ' → ' + sig.task);
  draw.hidden = sig.features !== 784;
}

function parseCsv(text, expected) {
  const cells = text.trim().split(/[,;\s]+/).filter((c) => c.length > 0);
  if (cells.length !== expected) {
    throw new Error('the row must have ' + expected + ' numbers but has ' + cells.length);
  }
  return cells.map((c, i) => {
    const v = Number(c);
    if (!Number.isFinite(v)) {
      throw new Error('value ' + (i + 1) + " ('" + c.slice(0, 20) + "') is not a number");
    }
    return v;
  });
}

// 280x280 drawing -> 28x28 grey levels 0..255 (white ink on black, like MNIST), by averaging 10x10 cells.
function pixels() {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const out = new Array(784).fill(0);
  const cell = canvas.width / 28;
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const i = Math.floor(y / cell) * 28 + Math.floor(x / cell);
      out[i] += data[(y * canvas.width + x) * 4];
    }
  }
  return out.map((v) => Math.round(v / (cell * cell)));
}

function setupCanvas() {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  let down = false;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    down = true;
    drawn = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...at(e));
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!down) {
      return;
    }
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  canvas.addEventListener('pointerup', () => { down = false; });
  document.getElementById('try-clear').addEventListener('click', () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });
}

async function predict(event) {
  event.preventDefault();
  error.textContent = '';
  result.replaceChildren();
  const sig = signature();
  if (!sig) {
    error.textContent = 'no model to try';
    return;
  }
  let row;
  try {
    row = csv.value.trim() === '' && sig.features === 784 && drawn ? pixels() : parseCsv(csv.value, sig.features);
  } catch (e) {
    error.textContent = e.message;
    return;
  }
  const body = {
    id: 'console',
    inputs: [{ name: sig.input, shape: [1, sig.features], datatype: 'FP32', data: row }],
  };
  const response = await fetch('/v2/models/' + encodeURIComponent(select.value) + '/infer', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Hearth-CSRF': form.dataset.csrf },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: 'HTTP ' + response.status }));
  if (!response.ok) {
    error.textContent = 'HTTP ' + response.status + ': ' + (answer.error || '');
    return;
  }
  const probs = answer.outputs.find((o) => o.name === 'probabilities');
  if (!probs) {
    for (const o of answer.outputs) {
      const li = document.createElement('li');
      li.textContent = o.name + ' = ' + o.data.map((v) => Number(v).toFixed(4)).join(', ');
      result.append(li);
    }
    return;
  }
  const ranked = probs.data.map((p, i) => [sig.labels[i] ?? String(i), p]).sort((a, b) => b[1] - a[1]).slice(0, 3);
  for (const [label, p] of ranked) {
    const li = document.createElement('li');
    li.className = 'class';
    li.dataset.label = label;
    li.textContent = label + ' — ' + (p * 100).toFixed(1) + ' %';
    result.append(li);
  }
  result.dataset.model = select.value;
  result.dataset.version = answer.model_version;
}

if (form) {
  select.addEventListener('change', onModelChange);
  form.addEventListener('submit', (e) => { predict(e).catch((x) => { error.textContent = String(x); }); });
  setupCanvas();
  onModelChange();
}
