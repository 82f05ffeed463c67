// The e2e host page's script (external: the page runs under script-src 'self').
// ?src=<embed URL> sets the iframe; window.events collects the embed's step events;
// window.send(message) posts a message to the embed.
window.events = [];
window.addEventListener('message', (e) => {
  if (e.data && e.data.type === 'ttm-lab' && e.data.event === 'step') window.events.push(e.data);
});
const frame = document.getElementById('lab');
window.send = (message) => frame.contentWindow.postMessage(message, '*');
frame.src = new URLSearchParams(location.search).get('src') ?? './?embed=1&walkthrough=pool-refill';
