/*
 * The Viber sandbox page: plain HTML and a little vanilla JS (no build step), served at /viber by viber-sandbox.ts.
 * It talks only to /sandbox/api/viber/* and polls the chat once a second.
 */
export const VIBER_SANDBOX_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley sandbox — Viber</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #ece9f4; color: #222; }
  header { background: #7360f2; color: #fff; padding: 10px 20px; font-size: 16px; display: flex; justify-content: space-between; }
  header a { color: #fff; font-size: 13px; margin-left: 12px; }
  header small { opacity: .85; margin-left: 8px; }
  main { display: grid; grid-template-columns: 360px 1fr; gap: 16px; padding: 16px; max-width: 1200px; margin: 0 auto; }
  .box { background: #fff; border-radius: 8px; padding: 14px; box-shadow: 0 1px 2px rgba(0,0,0,.1); margin-bottom: 16px; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  dl { display: grid; grid-template-columns: 100px 1fr; gap: 4px 8px; margin: 0; }
  dt { color: #666; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
  input[type=text], textarea { width: 100%; padding: 6px 8px; border: 1px solid #cfc8e8; border-radius: 4px; font: inherit; }
  button { background: #7360f2; color: #fff; border: 0; border-radius: 4px; padding: 6px 12px; font: inherit; cursor: pointer; }
  button.secondary { background: #ebe8fb; color: #5a48d6; }
  button.danger { background: #e53935; }
  .row { display: flex; gap: 8px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
  .bad { color: #c62828; } .muted { color: #777; font-size: 12px; }
  ul.users { list-style: none; padding: 0; margin: 0; }
  ul.users li { padding: 6px 8px; border-radius: 4px; cursor: pointer; display: flex; justify-content: space-between; }
  ul.users li.active { background: #ebe8fb; font-weight: 600; }
  #chat { height: 460px; overflow-y: auto; background: #f4f2fb; border-radius: 6px; padding: 10px; display: flex; flex-direction: column; gap: 6px; }
  .msg { max-width: 75%; padding: 6px 10px; border-radius: 10px; background: #fff; box-shadow: 0 1px 1px rgba(0,0,0,.08); }
  .msg.customer { align-self: flex-end; background: #e3dcfd; }
  .msg.event { align-self: center; background: transparent; box-shadow: none; color: #777; font-size: 12px; }
  .msg .meta { font-size: 11px; color: #666; margin-bottom: 2px; }
  .msg .sender { font-weight: 600; color: #5a48d6; }
  .msg img { max-width: 220px; max-height: 220px; display: block; margin-top: 4px; border-radius: 4px; }
  .banner { background: #fdecea; color: #c62828; padding: 6px 10px; border-radius: 4px; margin-bottom: 8px; }
</style>
</head>
<body>
<header><span>Viber sandbox <small>a fake Viber bot for trying Parley — you play a Viber user</small></span><span><a href="/">VK sandbox</a><a href="/telegram">Telegram sandbox</a></span></header>
<main>
  <section>
    <div class="box" data-testid="bot">
      <h2>Bot (paste the auth token into Parley's "Connect Viber bot" form)</h2>
      <dl>
        <dt>Name</dt><dd id="b-name"></dd>
        <dt>Auth token</dt><dd id="b-token"></dd>
        <dt>Deep link</dt><dd id="b-link"></dd>
        <dt>Webhook</dt><dd id="b-webhook"></dd>
      </dl>
    </div>
    <div class="box">
      <h2>Viber users</h2>
      <ul class="users" id="users"></ul>
      <div class="row"><input type="text" id="new-name" placeholder="Name" style="flex:1"><button class="secondary" id="new-user">Add user</button></div>
    </div>
  </section>
  <section>
    <div class="box">
      <h2 id="chat-title">Chat</h2>
      <div id="unsubscribed" class="banner" hidden>This user is not subscribed: the bot's messages are refused (status 6) until they write or subscribe.</div>
      <div class="row"><button id="open">Open the chat via the deep link</button><span class="muted">sends conversation_started (Parley creates no conversation for it)</span></div>
      <div id="chat"></div>
      <div class="row"><textarea id="text" rows="2" placeholder="Write as the Viber user… (with a picture: the text becomes its caption)"></textarea></div>
      <div class="row">
        <input type="file" id="files" multiple>
        <button id="send">Send</button>
        <span id="send-result" class="muted"></span>
      </div>
      <div class="row">
        <button class="secondary" id="sticker">Send a sticker</button>
        <button class="secondary" id="contact">Share my contact</button>
        <button class="secondary" id="location">Send location</button>
        <button class="secondary" id="seen">Mark the bot's messages seen</button>
        <button class="danger" id="unsubscribe">Unsubscribe</button>
        <button class="secondary" id="subscribe">Subscribe</button>
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
    return fetch('/sandbox/api/viber/' + path, {
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
      $('b-name').textContent = s.bot.name; $('b-token').textContent = s.bot.authToken; $('b-link').textContent = s.bot.deepLink;
      text($('b-webhook'), s.webhook ? s.webhook.url : 'not set yet: connect the bot in Parley', s.webhook ? '' : 'bad');
      if (!current && s.users.length) current = s.users[0].id;
      renderUsers();
    });
  }
  function renderUsers() {
    var ul = $('users'); ul.innerHTML = '';
    state.users.forEach(function (u) {
      var li = document.createElement('li');
      li.dataset.userId = u.id;
      if (u.id === current) li.className = 'active';
      li.textContent = u.name;
      var info = document.createElement('span'); info.className = 'muted';
      info.textContent = u.subscribed ? 'subscribed' : 'not subscribed';
      li.appendChild(info);
      li.onclick = function () { current = u.id; lastRendered = ''; renderUsers(); poll(); };
      ul.appendChild(li);
    });
    var cur = state.users.find(function (u) { return u.id === current; });
    $('chat-title').textContent = cur ? 'Chat of ' + cur.name + ' with ' + state.bot.name : 'Chat';
  }
  $('new-user').onclick = function () {
    api('POST', 'users', { name: $('new-name').value }).then(function (u) { current = u.id; $('new-name').value = ''; return loadState(); }).then(poll);
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
  ['open', 'sticker', 'contact', 'location', 'seen', 'unsubscribe', 'subscribe'].forEach(function (id) {
    $(id).onclick = function () {
      api('POST', id, { userId: current }).then(function () { text($('action-result'), id + ': sent', 'muted'); return loadState(); })
        .then(poll).catch(function (e) { text($('action-result'), e.message, 'bad'); });
    };
  });
  var EVENTS = { conversation_started: 'you opened the chat (conversation_started)', subscribed: 'you subscribed', unsubscribed: 'you unsubscribed' };
  function render(data) {
    var key = JSON.stringify(data);
    if (key === lastRendered) return;
    var first = lastRendered === '';
    lastRendered = key;
    $('unsubscribed').hidden = data.subscribed;
    var chat = $('chat'), atBottom = chat.scrollTop + chat.clientHeight >= chat.scrollHeight - 20;
    chat.innerHTML = '';
    data.messages.forEach(function (m) {
      var div = document.createElement('div');
      div.dataset.token = m.token;
      var when = new Date(m.at).toLocaleTimeString();
      if (m.kind !== 'message' && m.kind !== 'bot-message') {
        div.className = 'msg event';
        div.textContent = EVENTS[m.kind] + ' · ' + when + ' · ' + m.state + (m.detail ? ': ' + m.detail : '');
        chat.appendChild(div); return;
      }
      div.className = 'msg ' + m.from;
      var meta = document.createElement('div'); meta.className = 'meta';
      if (m.from === 'bot') { var s = document.createElement('span'); s.className = 'sender'; s.textContent = m.senderName; meta.appendChild(s); }
      meta.appendChild(document.createTextNode((m.from === 'bot' ? ' · ' : 'you · ') + when + ' · ' +
        (m.from === 'bot' ? m.state : (m.state === 'delivered' ? 'delivered to Parley' : m.state)) + (m.detail ? ': ' + m.detail : '')));
      div.appendChild(meta);
      if (m.picture) { var img = document.createElement('img'); img.src = m.picture; img.alt = m.type || 'picture'; div.appendChild(img); }
      if (m.file) {
        var l = document.createElement(m.file.url ? 'a' : 'span'); l.textContent = '📎 ' + m.file.name;
        if (m.file.url) { l.href = m.file.url; l.target = '_blank'; }
        div.appendChild(l);
      }
      if (m.text) { var t = document.createElement('div'); t.style.whiteSpace = 'pre-wrap'; t.textContent = m.text; div.appendChild(t); }
      chat.appendChild(div);
    });
    if (atBottom || first) chat.scrollTop = chat.scrollHeight;
  }
  function poll() {
    if (!current) return Promise.resolve();
    return api('GET', 'messages?userId=' + encodeURIComponent(current)).then(render).catch(function () {});
  }
  loadState().then(poll);
  setInterval(poll, 1000);
  setInterval(function () { loadState().catch(function () {}); }, 3000);
})();
</script>
</body>
</html>
`;
