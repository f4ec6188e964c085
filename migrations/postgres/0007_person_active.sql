-- An owner deactivates a person, or brings them back: their `users` row and their login
-- together, so someone who has left the shop can neither act in the app nor log in with
-- psql, and their products and history stay. Like `add_person`, it runs as the catalog's
-- owner, who needs the CREATEROLE right to change logins; without it the refusal says so.
-- (Who may be deactivated, never the last active owner nor yourself, the app asks first;
-- the grant below keeps it to owners.)
CREATE FUNCTION set_person_active(person text, active boolean) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  changed bigint;
BEGIN
  UPDATE users SET is_active = CASE WHEN active THEN 1 ELSE 0 END
    WHERE username = person::citext RETURNING id INTO changed;
  IF changed IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = person) THEN
    BEGIN
      EXECUTE format('ALTER ROLE %I %s', person, CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    EXCEPTION
      WHEN insufficient_privilege THEN PERFORM refuse('server_makes_no_logins');
    END;
  END IF;
  RETURN changed;
END $$;
REVOKE ALL ON FUNCTION set_person_active(text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION set_person_active(text, boolean) TO shelf_owner;
