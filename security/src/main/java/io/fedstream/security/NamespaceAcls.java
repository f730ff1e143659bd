package io.fedstream.security;

import io.fedstream.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs of a secured namespace, as a pure function of who is registered and who is a
 * member of which project, and the one operation that makes the broker match them
 * ({@link #reconcile}). The table of what each principal may do is in {@code schemas/TOPICS.md}
 * ("Secured namespaces"); in short, with {@code User:<site id>} as each site's principal:
 * <ul>
 *   <li>every registered site writes its own {@code commands} topic and the dead-letter topic
 *       {@code {ns}.dlq} (where its nodes put what they reject; only operators read it), reads its own {@code inbox},
 *       {@code status}, {@code logs} and {@code mail}, reads the control topics ({@code sites},
 *       {@code projects}, {@code runs}), and uses consumer groups under its own prefix
 *       {@code {ns}.site.{id}.};
 *   <li>a member of a project reads the project's {@code events} (the router's) and
 *       {@code broadcast} (the coordinator's) topics; a participant writes to its coordinator's
 *       {@code mail};
 *   <li>the coordinator also writes the project's {@code broadcast} topic and each participant's
 *       {@code mail}, and reads each participant's {@code status} and {@code logs}.
 * </ul>
 * Nothing else is allowed (the broker runs with {@code allow.everyone.if.no.acl.found=false}).
 * Because one ACL can serve two projects (a coordinator of two projects with the same participant),
 * ACLs are never deleted per event: {@link #reconcile} computes the whole desired set from the
 * current memberships and removes only the bindings of managed principals that are no longer in it.
 */
public final class NamespaceAcls {

  /** One project's members. */
  public record Project(String id, String coordinator, Set<String> participants) {
    /** Checks the values and copies the set. */
    public Project {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(coordinator, "coordinator");
      participants = Set.copyOf(participants);
    }
  }

  private NamespaceAcls() {
  }

  /** The principal of a site: {@code User:<site id>}. */
  public static String principal(String site) {
    return "User:" + site;
  }

  /**
   * The router's ACLs: everything on the namespace's topics (it creates and owns them, and forwards
   * sealed payloads it cannot read), and on its own Kafka Streams topics, group and transactional ids.
   *
   * @param ns the namespace
   * @param routerPrincipal the router's principal, such as {@code User:router}
   */
  public static List<AclBinding> router(String ns, String routerPrincipal) {
    String app = "fedstream-router-" + Topics.requireName("namespace", ns);
    return List.of(
        allow(ResourceType.TOPIC, ns + ".", PatternType.PREFIXED, routerPrincipal, AclOperation.ALL),
        allow(ResourceType.TOPIC, app, PatternType.PREFIXED, routerPrincipal, AclOperation.ALL),
        allow(ResourceType.GROUP, app, PatternType.PREFIXED, routerPrincipal, AclOperation.ALL),
        allow(ResourceType.TRANSACTIONAL_ID, app, PatternType.PREFIXED, routerPrincipal, AclOperation.ALL));
  }

  /** What a registered site may do before it joins any project. */
  public static List<AclBinding> site(String ns, String site) {
    String p = principal(site);
    List<AclBinding> b = new ArrayList<>();
    b.addAll(write(Topics.siteCommands(ns, site), p));
    b.addAll(write(Topics.deadLetter(ns), p));
    for (String t : List.of(Topics.siteInbox(ns, site), Topics.siteStatus(ns, site), Topics.siteLogs(ns, site),
        SecuredTopics.mail(ns, site), Topics.sites(ns), Topics.projects(ns), Topics.runs(ns))) {
      b.addAll(read(t, p));
    }
    b.add(allow(ResourceType.GROUP, SecuredTopics.sitePrefix(ns, site), PatternType.PREFIXED, p, AclOperation.READ));
    return b;
  }

  /** What membership in a project adds, for its coordinator and each participant. */
  public static List<AclBinding> project(String ns, Project project) {
    List<AclBinding> b = new ArrayList<>();
    String broadcast = SecuredTopics.broadcast(ns, project.id());
    String events = Topics.projectEvents(ns, project.id());
    String coordinator = principal(project.coordinator());
    b.addAll(write(broadcast, coordinator));
    b.addAll(read(broadcast, coordinator));
    b.addAll(read(events, coordinator));
    for (String participant : project.participants()) {
      String p = principal(participant);
      b.addAll(read(broadcast, p));
      b.addAll(read(events, p));
      b.addAll(write(SecuredTopics.mail(ns, project.coordinator()), p));
      b.addAll(write(SecuredTopics.mail(ns, participant), coordinator));
      b.addAll(read(Topics.siteStatus(ns, participant), coordinator));
      b.addAll(read(Topics.siteLogs(ns, participant), coordinator));
    }
    return b;
  }

  /**
   * The whole desired set of a namespace's site ACLs.
   *
   * @param ns the namespace
   * @param sites the registered sites
   * @param projects every project with its current members
   */
  public static Set<AclBinding> desired(String ns, Collection<String> sites, Collection<Project> projects) {
    Set<AclBinding> all = new LinkedHashSet<>();
    sites.forEach(s -> all.addAll(site(ns, s)));
    projects.forEach(p -> all.addAll(project(ns, p)));
    return all;
  }

  /** What {@link #reconcile} did. */
  public record Change(int created, int deleted) {
  }

  /**
   * Makes the broker's ACLs of the given principals equal to {@code desired}: creates what is
   * missing and deletes their other bindings on the namespace's topics and groups. A site that left
   * every project keeps only {@link #site} ACLs; a site no longer in {@code sites} keeps none.
   *
   * @param admin an admin client of a super user
   * @param ns the namespace
   * @param managed the site principals whose ACLs this call owns (sites present and removed)
   * @param desired the desired bindings ({@link #desired})
   * @return how many bindings were created and deleted
   * @throws IllegalStateException if the broker refuses or does not answer within 30 s
   */
  public static Change reconcile(Admin admin, String ns, Collection<String> managed, Set<AclBinding> desired) {
    Set<String> principals = managed.stream().map(NamespaceAcls::principal).collect(Collectors.toSet());
    try {
      List<AclBinding> existing = new ArrayList<>();
      for (String p : principals) {
        existing.addAll(admin.describeAcls(new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(p, null, AclOperation.ANY, AclPermissionType.ANY)))
            .values().get(30, TimeUnit.SECONDS));
      }
      List<AclBinding> create = desired.stream().filter(b -> !existing.contains(b)).collect(Collectors.toList());
      List<AclBindingFilter> delete = existing.stream()
          .filter(b -> !desired.contains(b))
          .filter(b -> b.pattern().name().startsWith(ns + "."))
          .map(AclBinding::toFilter)
          .collect(Collectors.toList());
      if (!create.isEmpty()) {
        admin.createAcls(create).all().get(30, TimeUnit.SECONDS);
      }
      if (!delete.isEmpty()) {
        admin.deleteAcls(delete).all().get(30, TimeUnit.SECONDS);
      }
      return new Change(create.size(), delete.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while changing ACLs", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot change the ACLs of " + principals + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates bindings that do not exist yet (for the router's fixed ACLs).
   *
   * @throws IllegalStateException if the broker refuses or does not answer within 30 s
   */
  public static void create(Admin admin, Collection<AclBinding> bindings) {
    try {
      admin.createAcls(List.copyOf(bindings)).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating ACLs", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create ACLs: " + e.getMessage(), e);
    }
  }

  private static List<AclBinding> write(String topic, String principal) {
    return List.of(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.WRITE),
        allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.DESCRIBE));
  }

  private static List<AclBinding> read(String topic, String principal) {
    return List.of(allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.READ),
        allow(ResourceType.TOPIC, topic, PatternType.LITERAL, principal, AclOperation.DESCRIBE));
  }

  private static AclBinding allow(ResourceType type, String name, PatternType pattern, String principal, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
  }

  /** Every binding in {@code bindings} of one principal, for tests and reports. */
  static List<AclBinding> of(Collection<AclBinding> bindings, String principal) {
    return bindings.stream().filter(b -> b.entry().principal().equals(principal)).collect(Collectors.toList());
  }

  static Map<String, List<AclBinding>> byPrincipal(Collection<AclBinding> bindings) {
    return bindings.stream().collect(Collectors.groupingBy(b -> b.entry().principal()));
  }
}
