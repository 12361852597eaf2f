document.querySelector('h1').title = 'Hello from app.js'
