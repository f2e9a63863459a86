-- Only for `run.py --refs-only`: the initial migration's tables (jwt option), without Alembic.
-- The full benchmark migrates the baked project with `alembic upgrade head` instead.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    email varchar(320) NOT NULL,
    display_name varchar(100) NOT NULL,
    hashed_password varchar(255) NOT NULL,
    token_version integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ix_users_email ON users (email);
CREATE INDEX ix_users_created_at_id ON users (created_at, id);

CREATE TABLE items (
    id uuid PRIMARY KEY,
    title varchar(255) NOT NULL,
    description varchar(255),
    owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_items_owner_id_created_at_id ON items (owner_id, created_at, id);
