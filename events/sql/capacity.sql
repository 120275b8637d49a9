-- The database refuses a place number above the event's capacity, and a capacity below a taken
-- place (events/migrations/0002_capacity_triggers.py, 0006_capacity_trigger_locks_event.py).
-- Together with the unique constraint on (event, place) this makes overbooking impossible even
-- if two requests race past the row lock in Python: each place exists once, and only up to
-- capacity.
--
-- The place check reads the capacity FOR SHARE: a transaction lowering the capacity holds the
-- event row (FOR NO KEY UPDATE) until it commits, so a place taken meanwhile waits for it and
-- is then checked against the new capacity; and a capacity lowered while a place is being
-- taken waits for that commit, after which its own check sees the place. (Without the lock
-- each check ran against the other's old state and both committed.) FOR SHARE and not FOR
-- UPDATE: places taken at the same time do not wait for each other here (the Python code
-- queues them on the event row anyway), and FOR KEY SHARE would not wait for the capacity
-- change at all.

CREATE OR REPLACE FUNCTION events_registration_place_within_capacity() RETURNS trigger AS $$
DECLARE
    cap integer;
BEGIN
    IF NEW.place IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT capacity INTO cap FROM events_event WHERE id = NEW.event_id FOR SHARE;
    IF cap IS NOT NULL AND NEW.place > cap THEN
        RAISE EXCEPTION 'place % of event % exceeds its capacity of %', NEW.place, NEW.event_id, cap
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER events_registration_place_within_capacity
    BEFORE INSERT OR UPDATE OF place, event_id ON events_registration
    FOR EACH ROW EXECUTE FUNCTION events_registration_place_within_capacity();

CREATE OR REPLACE FUNCTION events_event_capacity_covers_places() RETURNS trigger AS $$
BEGIN
    IF NEW.capacity IS NOT NULL AND EXISTS (
        SELECT 1 FROM events_registration WHERE event_id = NEW.id AND place > NEW.capacity
    ) THEN
        RAISE EXCEPTION 'capacity % of event % is below a taken place', NEW.capacity, NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE TRIGGER events_event_capacity_covers_places
    BEFORE UPDATE OF capacity ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_capacity_covers_places();
