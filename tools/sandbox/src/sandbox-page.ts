/*
 * The sandbox's one page: plain HTML and a little vanilla JS (no build step), served by sandbox-server.ts. It talks
 * only to /sandbox/api/* and polls the community's history once a second.
 */
export const SANDBOX_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley sandbox — VK</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #edeef0; color: #222; }
  header { background: #4a76a8; color: #fff; padding: 10px 20px; font-size: 16px; }
  header small { opacity: .8; margin-left: 8px; }
  main { display: grid; grid-template-columns: 360px 1fr; gap: 16px; padding: 16px; max-width: 1200px; margin: 0 auto; }
  .box { background: #fff; border-radius: 8px; padding: 14px; box-shadow: 0 1px 2px rgba(0,0,0,.1); margin-bottom: 16px; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  dl { display: grid; grid-template-columns: 110px 1fr; gap: 4px 8px; margin: 0; }
  dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
  input[type=text], textarea { width: 100%; padding: 6px 8px; border: 1px solid #c5d0db; border-radius: 4px; font: inherit; }
  button { background: #4a76a8; color: #fff; border: 0; border-radius: 4px; padding: 6px 12px; font: inherit; cursor: pointer; }
  button.secondary { background: #e5ebf1; color: #2a5885; }
  button.danger { background: #e64646; }
  button:disabled { opacity: .5; cursor: default; }
  .row { display: flex; gap: 8px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
  .ok { color: #2e7d32; } .bad { color: #c62828; } .muted { color: #777; font-size: 12px; }
  ul.customers { list-style: none; padding: 0; margin: 0; }
  ul.customers li { padding: 6px 8px; border-radius: 4px; cursor: pointer; display: flex; justify-content: space-between; }
  ul.customers li.active { background: #e5ebf1; font-weight: 600; }
  #chat { height: 460px; overflow-y: auto; background: #f7f8fa; border-radius: 6px; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
  .msg { max-width: 75%; padding: 6px 10px; border-radius: 10px; background: #fff; box-shadow: 0 1px 1px rgba(0,0,0,.08); }
  .msg.customer { align-self: flex-end; background: #cce4ff; }
  .msg.vk-admin { background: #fff3cd; }
  .msg .meta { font-size: 11px; color: #666; margin-bottom: 2px; }
  .msg img { max-width: 220px; max-height: 220px; display: block; margin-top: 4px; border-radius: 4px; }
  .banner { background: #fdecea; color: #c62828; padding: 6px 10px; border-radius: 4px; margin-bottom: 8px; }
</style>
</head>
<body>
<header>VK sandbox <small>a fake VK community for trying Parley — you write as a VK customer</small><a href="/telegram" style="float:right;color:#fff;font-size:13px">Telegram sandbox →</a></header>
<main>
  <section>
    <div class="box" data-testid="community">
      <h2>Community (paste into Parley's "Connect VK community" form)</h2>
      <dl>
        <dt>Community id</dt><dd id="c-id"></dd>
        <dt>Name</dt><dd id="c-name"></dd>
        <dt>Access token</dt><dd id="c-token"></dd>
        <dt>Secret key</dt><dd id="c-secret"></dd>
        <dt>Confirmation</dt><dd id="c-confirmation"></dd>
      </dl>
    </div>
    <div class="box" data-testid="callback-settings">
      <h2>Callback API settings</h2>
      <div class="muted">Server address: paste the webhook URL Parley shows after connecting the community<span id="hint"></span>.</div>
      <div class="row"><input type="text" id="cb-url" placeholder="http://localhost:3101/webhooks/vk/…"></div>
      <div class="row"><button id="cb-save">Save and confirm</button><button class="secondary" id="cb-confirm">Confirm again</button></div>
      <div class="row" id="cb-result"></div>
    </div>
    <div class="box">
      <h2>Customers</h2>
      <ul class="customers" id="customers"></ul>
      <div class="row"><input type="text" id="new-first" placeholder="First name" style="flex:1"><input type="text" id="new-last" placeholder="Last name" style="flex:1"></div>
      <div class="row"><button class="secondary" id="new-customer">Add customer</button></div>
    </div>
  </section>
  <section>
    <div class="box">
      <h2 id="chat-title">Chat</h2>
      <div id="blocked" class="banner" hidden>This customer blocked messages from the community (message_deny).</div>
      <div id="chat"></div>
      <div class="row"><textarea id="text" rows="2" placeholder="Write as the customer…"></textarea></div>
      <div class="row">
        <input type="file" id="files" multiple>
        <button id="send">Send as customer</button>
        <span id="send-result" class="muted"></span>
      </div>
      <div class="row">
        <button class="danger" id="deny">Block community messages</button>
        <button class="secondary" id="allow">Allow</button>
        <span id="block-result" class="muted"></span>
      </div>
      <div class="row"><input type="text" id="admin-text" placeholder="Answer inside VK as the community admin…" style="flex:1"><button class="secondary" id="admin-send">Answer inside VK as admin</button></div>
    </div>
  </section>
</main>
<script>
(function () {
  var state = null, current = null, lastRendered = '';
  function $(id) { return document.getElementById(id); }
  function api(method, path, body) {
    return fetch('/sandbox/api/' + path, {
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
      var c = s.community;
      $('c-id').textContent = c.id; $('c-name').textContent = c.name; $('c-token').textContent = c.token;
      $('c-secret').textContent = c.secret; $('c-confirmation').textContent = c.confirmation;
      if (c.callbackUrl && !$('cb-url').value) $('cb-url').value = c.callbackUrl;
      if (s.webhookBaseHint) $('hint').textContent = ' (it starts with ' + s.webhookBaseHint + '/webhooks/vk/)';
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
      li.textContent = c.firstName + ' ' + c.lastName;
      var info = document.createElement('span'); info.className = 'muted';
      info.textContent = 'id' + c.id + (c.blocked ? ' · blocked' : '');
      li.appendChild(info);
      li.onclick = function () { current = c.id; lastRendered = ''; renderCustomers(); poll(); };
      ul.appendChild(li);
    });
    var cur = state.customers.find(function (c) { return c.id === current; });
    $('chat-title').textContent = cur ? 'Chat of ' + cur.firstName + ' ' + cur.lastName + ' with ' + state.community.name : 'Chat';
  }
  function confirmResult(r) {
    if (r.ok) text($('cb-result'), 'Parley answered the confirmation string "' + r.body + '": the server is confirmed.', 'ok');
    else text($('cb-result'), 'Parley answered ' + (r.status === undefined ? 'nothing' : 'HTTP ' + r.status) + ' "' + (r.body || '').slice(0, 100) + '" instead of "' + r.expected + '".', 'bad');
  }
  $('cb-save').onclick = function () {
    text($('cb-result'), 'sending the confirmation request…', 'muted');
    api('POST', 'callback', { url: $('cb-url').value }).then(confirmResult).catch(function (e) { text($('cb-result'), e.message, 'bad'); });
  };
  $('cb-confirm').onclick = function () {
    api('POST', 'confirm', {}).then(confirmResult).catch(function (e) { text($('cb-result'), e.message, 'bad'); });
  };
  $('new-customer').onclick = function () {
    api('POST', 'customers', { firstName: $('new-first').value, lastName: $('new-last').value }).then(function (c) {
      current = c.id; $('new-first').value = ''; $('new-last').value = ''; return loadState();
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
      return api('POST', 'messages', { userId: current, text: $('text').value, files: list });
    }).then(function () {
      $('text').value = ''; $('files').value = ''; text($('send-result'), 'sent', 'muted'); poll();
    }).catch(function (e) { text($('send-result'), e.message, 'bad'); });
  };
  function block(kind) {
    api('POST', kind, { userId: current }).then(function (r) {
      text($('block-result'), 'message_' + kind + (r.sent ? (r.delivered ? ' delivered to Parley' : ' NOT acknowledged by Parley') : ' not sent (no server address)'), r.delivered ? 'ok' : 'bad');
      return loadState();
    }).then(poll).catch(function (e) { text($('block-result'), e.message, 'bad'); });
  }
  $('deny').onclick = function () { block('deny'); };
  $('allow').onclick = function () { block('allow'); };
  $('admin-send').onclick = function () {
    api('POST', 'admin-reply', { userId: current, text: $('admin-text').value }).then(function () { $('admin-text').value = ''; poll(); })
      .catch(function (e) { text($('block-result'), e.message, 'bad'); });
  };
  function deliveryText(d) {
    if (!d) return '';
    if (d.state === 'delivered') return ' · delivered to Parley';
    if (d.state === 'delivering') return ' · delivering…';
    return ' · ' + d.state + ': ' + d.detail;
  }
  function render(data) {
    var key = JSON.stringify(data);
    if (key === lastRendered) return;
    lastRendered = key;
    $('blocked').hidden = !data.blocked;
    var chat = $('chat'), atBottom = chat.scrollTop + chat.clientHeight >= chat.scrollHeight - 20;
    chat.innerHTML = '';
    data.messages.forEach(function (m) {
      var div = document.createElement('div');
      div.className = 'msg ' + m.from;
      div.dataset.messageId = m.id;
      var meta = document.createElement('div'); meta.className = 'meta';
      var who = m.from === 'customer' ? 'customer' : m.from === 'parley' ? 'community (sent by Parley)' : 'community admin, inside VK';
      meta.textContent = who + ' · ' + new Date(m.date * 1000).toLocaleTimeString() + deliveryText(m.delivery);
      div.appendChild(meta);
      if (m.text) { var t = document.createElement('div'); t.textContent = m.text; div.appendChild(t); }
      m.attachments.forEach(function (a) {
        if (a.type === 'photo' && a.url) { var img = document.createElement('img'); img.src = a.url; div.appendChild(img); }
        else if (a.url) { var l = document.createElement('a'); l.href = a.url; l.textContent = '📎 ' + (a.title || 'file'); l.target = '_blank'; div.appendChild(l); }
        else { var s = document.createElement('div'); s.className = 'muted'; s.textContent = '[' + (a.title || a.type) + ']'; div.appendChild(s); }
      });
      chat.appendChild(div);
    });
    if (atBottom) chat.scrollTop = chat.scrollHeight;
  }
  function poll() {
    if (!current) return Promise.resolve();
    return api('GET', 'messages?userId=' + current).then(render).catch(function () {});
  }
  loadState().then(poll);
  setInterval(poll, 1000);
  setInterval(function () { loadState().catch(function () {}); }, 5000);
})();
</script>
</body>
</html>
`;
