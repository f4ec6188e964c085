-- A person joins the shop's team: their own login role, in the owners' or the staff's
-- group, and their `users` row, in one step that only owners may take. The password arrives
-- already hashed (a SCRAM-SHA-256 verifier made on the owner's computer), so neither the
-- server nor its logs ever see it. The function runs as the catalog's owner, who needs the
-- CREATEROLE right on the server to make logins; without it the refusal says so.
CREATE FUNCTION add_person(new_username text, new_display_name text, new_role text, verifier text)
  RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  person bigint;
BEGIN
  IF new_role NOT IN ('owner', 'staff') THEN
    PERFORM refuse('role_known');
  END IF;
  IF verifier !~ '^SCRAM-SHA-256\$[0-9]+:' THEN
    PERFORM refuse('login_password_hashed');
  END IF;
  -- The users row first: its checks (the username's shape) run before any role exists.
  INSERT INTO users (username, display_name, role) VALUES (new_username, new_display_name, new_role)
    RETURNING id INTO person;
  BEGIN
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', new_username, verifier,
      'shelf_' || new_role);
  EXCEPTION
    WHEN duplicate_object THEN PERFORM refuse('login_taken');
    WHEN insufficient_privilege THEN PERFORM refuse('server_makes_no_logins');
  END;
  RETURN person;
END $$;
REVOKE ALL ON FUNCTION add_person(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION add_person(text, text, text, text) TO shelf_owner;
