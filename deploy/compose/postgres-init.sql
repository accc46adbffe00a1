-- The demo's tables, created when the PostgreSQL container first starts (an empty data directory).
CREATE TABLE public.customers (
    id    bigint PRIMARY KEY,
    name  text NOT NULL,
    email text
);

CREATE TABLE public.orders (
    id          bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    status      text NOT NULL,
    total       numeric(12, 2) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
