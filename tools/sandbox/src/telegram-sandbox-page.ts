/*
 * The Telegram sandbox page: plain HTML and a little vanilla JS (no build step), served at /telegram by
 * telegram-sandbox.ts. It talks only to /sandbox/api/telegram/* and polls the chat once a second.
 */
export const TELEGRAM_SANDBOX_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley sandbox — Telegram</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #e7ebf0; color: #222; }
  header { background: #2aabee; color: #fff; padding: 10px 20px; font-size: 16px; display: flex; justify-content: space-between; }
  header a { color: #fff; font-size: 13px; }
  header small { opacity: .85; margin-left: 8px; }
  main { display: grid; grid-template-columns: 360px 1fr; gap: 16px; padding: 16px; max-width: 1200px; margin: 0 auto; }
  .box { background: #fff; border-radius: 8px; padding: 14px; box-shadow: 0 1px 2px rgba(0,0,0,.1); margin-bottom: 16px; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  dl { display: grid; grid-template-columns: 100px 1fr; gap: 4px 8px; margin: 0; }
  dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
  input[type=text], textarea { width: 100%; padding: 6px 8px; border: 1px solid #c8d3dd; border-radius: 4px; font: inherit; }
  button { background: #2aabee; color: #fff; border: 0; border-radius: 4px; padding: 6px 12px; font: inherit; cursor: pointer; }
  button.secondary { background: #e4eef6; color: #1c7fb6; }
  button.danger { background: #e53935; }
  .row { display: flex; gap: 8px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
  .ok { color: #2e7d32; } .bad { color: #c62828; } .muted { color: #777; font-size: 12px; }
  ul.customers { list-style: none; padding: 0; margin: 0; }
  ul.customers li { padding: 6px 8px; border-radius: 4px; cursor: pointer; display: flex; justify-content: space-between; }
  ul.customers li.active { background: #e4eef6; font-weight: 600; }
  #chat { height: 460px; overflow-y: auto; background: #d5e3c9; border-radius: 6px; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
  .msg { max-width: 75%; padding: 6px 10px; border-radius: 10px; background: #fff; box-shadow: 0 1px 1px rgba(0,0,0,.08); }
  .msg.customer { align-self: flex-end; background: #effdde; }
  .msg .meta { font-size: 11px; color: #666; margin-bottom: 2px; }
  .msg img { max-width: 220px; max-height: 220px; display: block; margin-top: 4px; border-radius: 4px; }
  .msg .edit { font-size: 11px; margin-left: 6px; cursor: pointer; color: #1c7fb6; }
  .banner { background: #fdecea; color: #c62828; padding: 6px 10px; border-radius: 4px; margin-bottom: 8px; }
</style>
</head>
<body>
<header><span>Telegram sandbox <small>a fake Telegram bot for trying Parley — you write as a Telegram user</small></span><a href="/">VK sandbox →</a></header>
<main>
  <section>
    <div class="box" data-testid="bot">
      <h2>Bot (paste the token into Parley's "Connect Telegram bot" form)</h2>
      <dl>
        <dt>Username</dt><dd id="b-username"></dd>
        <dt>Name</dt><dd id="b-name"></dd>
        <dt>Bot token</dt><dd id="b-token"></dd>
      </dl>
    </div>
    <div class="box" data-testid="webhook">
      <h2>Webhook (Parley registers it with setWebhook)</h2>
      <dl>
        <dt>URL</dt><dd id="w-url"></dd>
        <dt>Secret</dt><dd id="w-secret"></dd>
        <dt>Pending</dt><dd id="w-pending"></dd>
        <dt>Last error</dt><dd id="w-error"></dd>
      </dl>
    </div>
    <div class="box">
      <h2>Telegram users</h2>
      <ul class="customers" id="customers"></ul>
      <div class="row"><input type="text" id="new-first" placeholder="First name" style="flex:1"><input type="text" id="new-last" placeholder="Last name" style="flex:1"></div>
      <div class="row"><input type="text" id="new-username" placeholder="@username (optional)" style="flex:1"><button class="secondary" id="new-customer">Add user</button></div>
    </div>
  </section>
  <section>
    <div class="box">
      <h2 id="chat-title">Chat</h2>
      <div id="blocked" class="banner" hidden>This user blocked the bot (my_chat_member: kicked). Parley's messages are refused with 403.</div>
      <div id="chat"></div>
      <div class="row"><textarea id="text" rows="2" placeholder="Write as the Telegram user… (with a file: the text becomes its caption)"></textarea></div>
      <div class="row">
        <input type="file" id="files" multiple>
        <button id="send">Send</button>
        <span id="send-result" class="muted"></span>
      </div>
      <div class="row">
        <button class="secondary" id="location">Send location</button>
        <button class="secondary" id="contact">Share my contact</button>
        <button class="secondary" id="sticker">Send a sticker</button>
        <button class="danger" id="block">Block the bot</button>
        <button class="secondary" id="unblock">Unblock (restart)</button>
        <span id="action-result" class="muted"></span>
      </div>
    </div>
  </section>
</main>
<script>
(function () {
  var state = null, current = null, lastRendered = '';
  function $(id) { return document.getElementById(id); }
  function api(method, path, body) {
    return fetch('/sandbox/api/telegram/' + path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status)); return j; });
    });
  }
  function text(el, value, cls) { el.textContent = value; el.className = cls || ''; }
  function loadState() {
    return api('GET', 'state').then(function (s) {
      state = s;
      $('b-username').textContent = '@' + s.bot.username; $('b-name').textContent = s.bot.firstName; $('b-token').textContent = s.bot.token;
      text($('w-url'), s.webhook.url || 'not set yet: connect the bot in Parley', s.webhook.url ? '' : 'bad');
      $('w-secret').textContent = s.webhook.secretSet ? 'set (sent as X-Telegram-Bot-Api-Secret-Token)' : 'none';
      $('w-pending').textContent = String(s.webhook.pending);
      $('w-error').textContent = s.webhook.lastError || '—';
      if (!current && s.customers.length) current = s.customers[0].id;
      renderCustomers();
    });
  }
  function renderCustomers() {
    var ul = $('customers'); ul.innerHTML = '';
    state.customers.forEach(function (c) {
      var li = document.createElement('li');
      li.dataset.customerId = c.id;
      if (c.id === current) li.className = 'active';
      li.textContent = c.firstName + ' ' + (c.lastName || '');
      var info = document.createElement('span'); info.className = 'muted';
      info.textContent = (c.username ? '@' + c.username + ' · ' : '') + 'id' + c.id + (c.blocked ? ' · blocked the bot' : '');
      li.appendChild(info);
      li.onclick = function () { current = c.id; lastRendered = ''; renderCustomers(); poll(); };
      ul.appendChild(li);
    });
    var cur = state.customers.find(function (c) { return c.id === current; });
    $('chat-title').textContent = cur ? 'Chat of ' + cur.firstName + ' with @' + state.bot.username : 'Chat';
  }
  $('new-customer').onclick = function () {
    api('POST', 'customers', { firstName: $('new-first').value, lastName: $('new-last').value, username: $('new-username').value }).then(function (c) {
      current = c.id; $('new-first').value = ''; $('new-last').value = ''; $('new-username').value = ''; return loadState();
    }).then(poll);
  };
  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var r = new FileReader();
      r.onload = function () { resolve({ name: file.name, mime: file.type, base64: String(r.result).split(',')[1] || '' }); };
      r.onerror = function () { reject(r.error); };
      r.readAsDataURL(file);
    });
  }
  $('send').onclick = function () {
    var files = Array.prototype.slice.call($('files').files);
    Promise.all(files.map(readFile)).then(function (list) {
      return api('POST', 'messages', { customerId: current, text: $('text').value, files: list });
    }).then(function () {
      $('text').value = ''; $('files').value = ''; text($('send-result'), 'sent', 'muted'); poll();
    }).catch(function (e) { text($('send-result'), e.message, 'bad'); });
  };
  function action(route) {
    api('POST', route, { customerId: current }).then(function (r) {
      text($('action-result'), route + (r.status ? ': update ' + r.status : ': sent'), 'muted');
      return loadState();
    }).then(poll).catch(function (e) { text($('action-result'), e.message, 'bad'); });
  }
  ['location', 'contact', 'sticker', 'block', 'unblock'].forEach(function (id) { $(id).onclick = function () { action(id); }; });
  function edit(m) {
    var value = window.prompt('Edit the message (sends edited_message)', m.text || m.caption || '');
    if (value === null) return;
    api('POST', 'edit', { customerId: current, messageId: m.id, text: value }).then(poll).catch(function (e) { text($('action-result'), e.message, 'bad'); });
  }
  function deliveryText(d) {
    if (!d) return '';
    if (d.state === 'delivered') return ' · delivered to Parley';
    if (d.state === 'delivering') return ' · delivering…' + (d.detail ? ' (' + d.detail + ')' : '');
    return ' · ' + d.state + (d.detail ? ': ' + d.detail : '');
  }
  function render(data) {
    var key = JSON.stringify(data);
    if (key === lastRendered) return;
    var first = lastRendered === '';
    lastRendered = key;
    $('blocked').hidden = !data.blocked;
    var chat = $('chat'), atBottom = chat.scrollTop + chat.clientHeight >= chat.scrollHeight - 20;
    chat.innerHTML = '';
    data.messages.forEach(function (m) {
      var div = document.createElement('div');
      div.className = 'msg ' + m.from;
      div.dataset.messageId = m.id;
      var meta = document.createElement('div'); meta.className = 'meta';
      meta.textContent = (m.from === 'customer' ? 'you' : 'bot (sent by Parley)') + ' · ' + new Date(m.date * 1000).toLocaleTimeString() +
        (m.editDate ? ' · edited' : '') + (m.replyTo ? ' · reply to #' + m.replyTo : '') + deliveryText(m.delivery);
      if (m.from === 'customer' && (m.text !== undefined || m.caption !== undefined)) {
        var e = document.createElement('span'); e.className = 'edit'; e.textContent = 'edit'; e.onclick = function () { edit(m); }; meta.appendChild(e);
      }
      div.appendChild(meta);
      m.attachments.forEach(function (a) {
        if ((a.type === 'photo' || a.type === 'sticker') && a.url) { var img = document.createElement('img'); img.src = a.url; img.alt = a.title || a.type; div.appendChild(img); }
        else if (a.url) { var l = document.createElement('a'); l.href = a.url; l.textContent = '📎 ' + (a.title || a.type); l.target = '_blank'; div.appendChild(l); }
        else { var s = document.createElement('div'); s.textContent = a.title || '[' + a.type + ']'; div.appendChild(s); }
      });
      var body = m.text !== undefined ? m.text : m.caption;
      if (body) { var t = document.createElement('div'); t.style.whiteSpace = 'pre-wrap'; t.textContent = body; div.appendChild(t); }
      chat.appendChild(div);
    });
    if (atBottom || first) chat.scrollTop = chat.scrollHeight;
    if (first) chat.querySelectorAll('img').forEach(function (img) { img.onload = function () { chat.scrollTop = chat.scrollHeight; }; });
  }
  function poll() {
    if (!current) return Promise.resolve();
    return api('GET', 'messages?customerId=' + current).then(render).catch(function () {});
  }
  loadState().then(poll);
  setInterval(poll, 1000);
  setInterval(function () { loadState().catch(function () {}); }, 3000);
})();
</script>
</body>
</html>
`;
