"""The web: three audiences, each under one URL root with one entry gate — ``public`` (/),
``portal`` (/portal/) and ``backoffice`` (/gestion/) — over the kernel they share: gates,
role landings, old addresses, middleware, base templates and error pages."""
