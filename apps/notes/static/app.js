// The notes page: the list from GET /notes?full=true, changes through the API,
// and every change made anywhere pushed over the /ws/notes WebSocket.
"use strict";

const list = document.getElementById("notes");
const empty = document.getElementById("empty");
const statusBadge = document.getElementById("status");
const errorBox = document.getElementById("error");

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = data && data.detail;
    // A 422 lists each field's problem: show their messages.
    const text = Array.isArray(detail) ? detail.map((problem) => problem.message).join("; ") : detail;
    throw new Error(typeof text === "string" ? text : JSON.stringify(detail));
  }
  return data;
}

// One list item per note, found by its id; its text is set as text, never as HTML.
function render(note) {
  let item = list.querySelector(`li[data-id="${note.id}"]`);
  if (!item) {
    item = document.createElement("li");
    item.dataset.id = note.id;
    const toggle = document.createElement("input");
    toggle.type = "checkbox";
    toggle.className = "toggle";
    toggle.addEventListener("change", () =>
      api("PATCH", `/notes/${note.id}`, { completed: toggle.checked }).catch((e) => showError(e.message)));
    const text = document.createElement("span");
    text.className = "text";
    const remove = document.createElement("button");
    remove.className = "delete";
    remove.title = "Delete";
    remove.textContent = "×";
    remove.addEventListener("click", () => api("DELETE", `/notes/${note.id}`).catch((e) => showError(e.message)));
    item.append(toggle, text, remove);
    list.append(item);
  }
  item.querySelector(".text").textContent = note.text;
  item.querySelector(".toggle").checked = note.completed;
  item.classList.toggle("completed", note.completed);
  empty.hidden = list.children.length > 0;
}

function forget(id) {
  const item = list.querySelector(`li[data-id="${id}"]`);
  if (item) item.remove();
  empty.hidden = list.children.length > 0;
}

async function loadAll() {
  const notes = await api("GET", "/notes?full=true");
  list.replaceChildren();
  notes.forEach(render);
  empty.hidden = notes.length > 0;
}

function listen() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/notes`);
  socket.addEventListener("open", () => {
    statusBadge.dataset.state = "live";
    statusBadge.textContent = "live";
    loadAll().catch((e) => showError(e.message));  // what changed while away
  });
  socket.addEventListener("message", (event) => {
    const change = JSON.parse(event.data);
    if (change.type === "created" || change.type === "changed") render(change.note);
    else if (change.type === "deleted") forget(change.id);
    else if (change.type === "imported") loadAll().catch((e) => showError(e.message));
  });
  socket.addEventListener("close", () => {
    statusBadge.dataset.state = "offline";
    statusBadge.textContent = "offline";
    setTimeout(listen, 2000);
  });
}

document.getElementById("new-note").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = document.getElementById("new-text");
  const completed = document.getElementById("new-completed");
  try {
    await api("POST", "/notes", { text: text.value, completed: completed.checked });
    text.value = "";
    completed.checked = false;
    showError("");
    if (statusBadge.dataset.state !== "live") await loadAll();  // no push to show it
  } catch (e) {
    showError(e.message);
  }
});

document.getElementById("import").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = document.getElementById("import-result");
  try {
    const answer = await api("POST", "/notes/import", new FormData(event.target));
    result.textContent = `Imported ${answer.imported} notes.`;
    showError("");
  } catch (e) {
    result.textContent = "";
    showError(e.message);
  }
});

listen();
